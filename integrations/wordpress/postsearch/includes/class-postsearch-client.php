<?php
/**
 * The search server's admin API, as WordPress calls it.
 *
 * Every call has a short timeout and returns an array: `ok` (bool), `status` (HTTP status,
 * 0 when the server could not be reached), `body` (the decoded JSON) and `error` (a
 * sentence for the site's administrator). Nothing here throws or dies: a search server
 * that is down never breaks WordPress.
 *
 * wp_remote_request is used rather than wp_safe_remote_request: the server's address is
 * set by an administrator, and is often on the same machine (http://127.0.0.1:8000), which
 * the "safe" variant refuses.
 *
 * @package postsearch
 */

defined( 'ABSPATH' ) || exit;

/**
 * Calls POST /api/admin/reindex, POST and GET /api/admin/crawl.
 */
class Postsearch_Client {

	/** Seconds a call may take; the author's save never waits longer than this. */
	const TIMEOUT = 5;

	/**
	 * Reindex one URL of the site (fetched again by the server).
	 *
	 * @param string $url The post's permalink.
	 * @return array
	 */
	public static function reindex( $url ) {
		return self::call( 'POST', '/api/admin/reindex', array( 'url' => $url ) );
	}

	/**
	 * Remove one URL from the index.
	 *
	 * @param string $url The permalink the post had.
	 * @return array
	 */
	public static function delete( $url ) {
		return self::call( 'POST', '/api/admin/reindex', array( 'delete' => $url ) );
	}

	/**
	 * Start a crawl of the whole site in the background (409 when one is running).
	 *
	 * @return array
	 */
	public static function start_crawl() {
		return self::call( 'POST', '/api/admin/crawl', null );
	}

	/**
	 * How far the running (or last) crawl got.
	 *
	 * @return array
	 */
	public static function crawl_progress() {
		return self::call( 'GET', '/api/admin/crawl', null );
	}

	/**
	 * One call to the server's admin API.
	 *
	 * @param string     $method GET or POST.
	 * @param string     $path   The API path.
	 * @param array|null $body   The JSON body, if any.
	 * @return array
	 */
	private static function call( $method, $path, $body ) {
		if ( ! Postsearch_Options::is_configured() ) {
			return self::result( false, 0, null, __( 'The search server address or token is not set.', 'postsearch' ) );
		}
		$args = array(
			'method'      => $method,
			/** Filters the timeout of calls to the search server, in seconds. */
			'timeout'     => (float) apply_filters( 'postsearch_timeout', self::TIMEOUT ),
			'redirection' => 0,
			'headers'     => array(
				'Authorization' => 'Bearer ' . Postsearch_Options::token(),
				'Accept'        => 'application/json',
				'Content-Type'  => 'application/json',
			),
			'user-agent'  => 'postsearch-wordpress/' . POSTSEARCH_VERSION . '; ' . home_url( '/' ),
		);
		if ( null !== $body ) {
			$args['body'] = wp_json_encode( $body );
		}
		$response = wp_remote_request( Postsearch_Options::server_url() . $path, $args );
		return self::interpret( $response );
	}

	/**
	 * The response (or WP_Error) as the plugin's result array.
	 *
	 * @param array|WP_Error $response What wp_remote_request returned.
	 * @return array
	 */
	private static function interpret( $response ) {
		if ( is_wp_error( $response ) ) {
			/* translators: %s: the network error. */
			return self::result( false, 0, null, sprintf( __( 'The search server could not be reached: %s', 'postsearch' ), $response->get_error_message() ) );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$json   = json_decode( wp_remote_retrieve_body( $response ), true );
		if ( $status >= 200 && $status < 300 ) {
			return self::result( true, $status, $json, '' );
		}
		return self::result( false, $status, $json, self::explain( $status, $json ) );
	}

	/**
	 * A sentence for the administrator about a refused call.
	 *
	 * @param int   $status The HTTP status.
	 * @param mixed $json   The decoded body.
	 * @return string
	 */
	private static function explain( $status, $json ) {
		$message = is_array( $json ) && isset( $json['error']['message'] ) ? (string) $json['error']['message'] : '';
		if ( 401 === $status ) {
			return __( 'The search server refused the admin token (401). Check the token in Settings → postsearch.', 'postsearch' );
		}
		if ( 404 === $status && '' === $message ) {
			return __( 'The search server has no admin API at this address (404): check the address, and that the server has an admin token.', 'postsearch' );
		}
		/* translators: 1: HTTP status, 2: the server's message. */
		return sprintf( __( 'The search server answered %1$d: %2$s', 'postsearch' ), $status, '' !== $message ? $message : __( 'no explanation given', 'postsearch' ) );
	}

	/**
	 * The result array.
	 *
	 * @param bool   $ok     Whether the call succeeded.
	 * @param int    $status HTTP status, 0 when unreachable.
	 * @param mixed  $body   Decoded JSON.
	 * @param string $error  The administrator's sentence.
	 * @return array
	 */
	private static function result( $ok, $status, $body, $error ) {
		return array(
			'ok'     => $ok,
			'status' => $status,
			'body'   => $body,
			'error'  => $error,
		);
	}
}
