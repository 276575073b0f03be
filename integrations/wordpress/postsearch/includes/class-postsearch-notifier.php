<?php
/**
 * Tells the search server when a post is published, changed, unpublished, trashed or deleted.
 *
 * Changes are collected while WordPress handles the author's request and sent at its end
 * (the `shutdown` action). Where PHP runs under FastCGI (php-fpm), the author's page is
 * delivered first (fastcgi_finish_request), so saving a post never waits for the search
 * server; elsewhere the wait is bounded by the client's short timeout. A call that fails
 * (server down, busy with a crawl, a wrong token) is logged, shown to administrators, and
 * retried by WP-Cron with growing delays; the author never sees an error.
 *
 * The permalink a post had is read from the post as it was before the change (WordPress
 * passes it to `wp_after_insert_post`), so a trashed post, a post made private or a post
 * whose slug changed is removed under the address the index knows.
 *
 * @package postsearch
 */

defined( 'ABSPATH' ) || exit;

/**
 * The publish hook, its queue and its retries.
 */
class Postsearch_Notifier {

	const QUEUE_OPTION  = 'postsearch_queue';
	const STATUS_OPTION = 'postsearch_status';
	const LOG_OPTION    = 'postsearch_log';
	const RETRY_HOOK    = 'postsearch_retry';

	/** Seconds before the 1st, 2nd, ... retry; the last delay repeats. */
	const BACKOFF = array( 60, 300, 900, 3600, 10800 );

	/** Attempts before a change is given up (a crawl brings the index back in line). */
	const MAX_ATTEMPTS = 12;

	/** Changes sent by one WP-Cron run at most, so a long outage does not make a long run. */
	const RETRIES_PER_RUN = 20;

	/** Problems kept for the settings page. */
	const LOG_SIZE = 20;

	/**
	 * This request's changes: URL => 'url' (index it) or 'delete'.
	 *
	 * @var array<string, string>
	 */
	private static $pending = array();

	/**
	 * Hook into WordPress.
	 */
	public static function register() {
		add_action( 'wp_after_insert_post', array( __CLASS__, 'after_save' ), 10, 4 );
		add_action( 'before_delete_post', array( __CLASS__, 'before_delete' ), 10, 2 );
		add_action( 'shutdown', array( __CLASS__, 'send_pending' ), 100 );
		add_action( self::RETRY_HOOK, array( __CLASS__, 'retry' ) );
	}

	/**
	 * On deactivation: no retry is left scheduled.
	 */
	public static function deactivate() {
		wp_clear_scheduled_hook( self::RETRY_HOOK );
	}

	/**
	 * A post was created or saved (publish, update, unpublish, trash, restore).
	 *
	 * @param int          $post_id     The post's ID.
	 * @param WP_Post      $post        The post as saved.
	 * @param bool         $update      Whether it existed before.
	 * @param WP_Post|null $post_before The post before the change, for an update.
	 */
	public static function after_save( $post_id, $post, $update, $post_before ) {
		if ( wp_is_post_revision( $post_id ) || wp_is_post_autosave( $post_id ) ) {
			return;
		}
		$was = ( $post_before instanceof WP_Post && self::is_public( $post_before ) ) ? get_permalink( $post_before ) : '';
		$now = self::is_public( $post ) ? get_permalink( $post ) : '';
		if ( $now ) {
			self::$pending[ $now ] = 'url';
		}
		if ( $was && $was !== $now ) {
			self::$pending[ $was ] = 'delete';
		}
	}

	/**
	 * A post is about to be deleted for good (a published one, when trash is off).
	 *
	 * @param int     $post_id The post's ID.
	 * @param WP_Post $post    The post.
	 */
	public static function before_delete( $post_id, $post ) {
		if ( $post instanceof WP_Post && self::is_public( $post ) ) {
			self::$pending[ get_permalink( $post ) ] = 'delete';
		}
	}

	/**
	 * Whether visitors (and so the search index) see this post.
	 *
	 * @param WP_Post $post The post.
	 * @return bool
	 */
	private static function is_public( $post ) {
		return 'publish' === $post->post_status
			&& '' === $post->post_password
			&& in_array( $post->post_type, Postsearch_Options::post_types(), true );
	}

	/**
	 * At the end of the request: send this request's changes.
	 *
	 * Before the plugin is set up there is no server to send them to, and nothing is kept:
	 * setting up starts with a crawl of the whole site ("Reindex everything").
	 */
	public static function send_pending() {
		$pending       = self::$pending;
		self::$pending = array();
		if ( empty( $pending ) || ! Postsearch_Options::is_configured() ) {
			return;
		}
		if ( function_exists( 'fastcgi_finish_request' ) ) {
			fastcgi_finish_request(); // The author's page is delivered; the calls follow.
		}
		foreach ( $pending as $url => $action ) {
			self::send( $url, $action, 0 );
		}
	}

	/**
	 * WP-Cron: send the changes that failed before.
	 */
	public static function retry() {
		$queue = self::queue();
		foreach ( array_slice( $queue, 0, self::RETRIES_PER_RUN, true ) as $url => $item ) {
			self::send( $url, $item['action'], (int) $item['attempts'] );
		}
		if ( ! empty( self::queue() ) ) {
			self::schedule_retry();
		}
	}

	/**
	 * Send one change; remember the outcome.
	 *
	 * @param string $url      The permalink.
	 * @param string $action   'url' or 'delete'.
	 * @param int    $attempts Attempts made before this one.
	 */
	private static function send( $url, $action, $attempts ) {
		$result = 'delete' === $action ? Postsearch_Client::delete( $url ) : Postsearch_Client::reindex( $url );
		if ( $result['ok'] ) {
			self::succeeded( $url );
			return;
		}
		self::failed( $url, $action, $attempts + 1, $result['error'] );
	}

	/**
	 * A change reached the index: it leaves the queue.
	 *
	 * @param string $url The permalink.
	 */
	private static function succeeded( $url ) {
		$queue = self::queue();
		if ( isset( $queue[ $url ] ) ) {
			unset( $queue[ $url ] );
			update_option( self::QUEUE_OPTION, $queue, false );
		}
		self::set_status( true, '' );
	}

	/**
	 * A change did not reach the index: log it, queue it, schedule a retry (or give up).
	 *
	 * @param string $url      The permalink.
	 * @param string $action   'url' or 'delete'.
	 * @param int    $attempts Attempts made so far.
	 * @param string $error    Why it failed.
	 */
	private static function failed( $url, $action, $attempts, $error ) {
		$queue = self::queue();
		if ( $attempts >= self::MAX_ATTEMPTS ) {
			unset( $queue[ $url ] );
			/* translators: 1: URL, 2: number of attempts, 3: the last error. */
			self::log( sprintf( __( 'Gave up on %1$s after %2$d attempts (%3$s); "Reindex everything" brings the index up to date.', 'postsearch' ), $url, $attempts, $error ) );
		} else {
			$queue[ $url ] = array(
				'action'   => $action,
				'attempts' => $attempts,
				'error'    => $error,
				'time'     => time(),
			);
			/* translators: 1: URL, 2: the error. */
			self::log( sprintf( __( 'Could not update %1$s: %2$s', 'postsearch' ), $url, $error ) );
		}
		update_option( self::QUEUE_OPTION, $queue, false );
		self::set_status( false, $error );
		self::schedule_retry();
	}

	/**
	 * One WP-Cron event for the whole queue, after the delay its oldest failure has earned.
	 */
	private static function schedule_retry() {
		$queue = self::queue();
		if ( empty( $queue ) || wp_next_scheduled( self::RETRY_HOOK ) ) {
			return;
		}
		$attempts = max( 1, min( array_map( 'intval', wp_list_pluck( $queue, 'attempts' ) ) ) );
		$delay    = self::BACKOFF[ min( $attempts, count( self::BACKOFF ) ) - 1 ];
		wp_schedule_single_event( time() + $delay, self::RETRY_HOOK );
	}

	/**
	 * The changes waiting for a retry: URL => {action, attempts, error, time}.
	 *
	 * @return array<string, array>
	 */
	public static function queue() {
		$queue = get_option( self::QUEUE_OPTION, array() );
		return is_array( $queue ) ? $queue : array();
	}

	/**
	 * The last call's outcome, for the administrators' notice.
	 *
	 * @param bool   $ok      Whether it worked.
	 * @param string $message Why not.
	 */
	private static function set_status( $ok, $message ) {
		update_option(
			self::STATUS_OPTION,
			array(
				'ok'      => $ok,
				'message' => $message,
				'time'    => time(),
			),
			false
		);
	}

	/**
	 * A problem, for the PHP error log and the settings page.
	 *
	 * @param string $message What went wrong.
	 */
	private static function log( $message ) {
		error_log( 'postsearch: ' . $message ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- the site's log is where administrators look.
		$log = get_option( self::LOG_OPTION, array() );
		$log = is_array( $log ) ? $log : array();
		array_unshift(
			$log,
			array(
				'time'    => time(),
				'message' => $message,
			)
		);
		update_option( self::LOG_OPTION, array_slice( $log, 0, self::LOG_SIZE ), false );
	}
}
