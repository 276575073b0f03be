<?php
/**
 * The admin's buttons (reindex everything, test the connection, send waiting changes now),
 * the crawl progress the settings page polls, and the notice that says when changes did not
 * reach the search index.
 *
 * Every action checks its nonce and the `manage_options` capability before doing anything;
 * its outcome is kept for the next page load (one flash message per user) rather than put
 * in the URL, so nothing a request carries is ever printed back.
 *
 * @package postsearch
 */

defined( 'ABSPATH' ) || exit;

/**
 * admin-post.php and admin-ajax.php handlers, and the admin notice.
 */
class Postsearch_Admin_Actions {

	const CRAWL_ACTION    = 'postsearch_reindex_all';
	const TEST_ACTION     = 'postsearch_test';
	const RETRY_ACTION    = 'postsearch_retry_now';
	const PROGRESS_ACTION = 'postsearch_crawl_progress';
	const FLASH           = 'postsearch_flash_';

	/**
	 * Hook into WordPress's admin.
	 */
	public static function register() {
		add_action( 'admin_post_' . self::CRAWL_ACTION, array( __CLASS__, 'reindex_all' ) );
		add_action( 'admin_post_' . self::TEST_ACTION, array( __CLASS__, 'test_connection' ) );
		add_action( 'admin_post_' . self::RETRY_ACTION, array( __CLASS__, 'retry_now' ) );
		add_action( 'wp_ajax_' . self::PROGRESS_ACTION, array( __CLASS__, 'progress' ) );
		add_action( 'admin_notices', array( __CLASS__, 'notice' ) );
	}

	/**
	 * A button that posts one action, with its nonce.
	 *
	 * @param string $action The admin-post action.
	 * @param string $label  The button's text.
	 * @param string $kind   'primary' or 'secondary'.
	 */
	public static function render_button( $action, $label, $kind ) {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" style="display:inline-block;margin-right:1em">';
		echo '<input type="hidden" name="action" value="' . esc_attr( $action ) . '">';
		wp_nonce_field( $action );
		submit_button( $label, $kind, 'submit', false, array( 'id' => 'postsearch-' . sanitize_html_class( $action ) ) );
		echo '</form>';
	}

	/**
	 * Ask the server for a crawl of the whole site.
	 */
	public static function reindex_all() {
		self::check( self::CRAWL_ACTION );
		$result = Postsearch_Client::start_crawl();
		if ( $result['ok'] ) {
			self::flash( 'success', __( 'The server is crawling the site; the table below follows its progress.', 'postsearch' ) );
		} elseif ( 409 === $result['status'] ) {
			self::flash( 'warning', __( 'A crawl is already running; the table below follows its progress.', 'postsearch' ) );
		} else {
			self::flash( 'error', $result['error'] );
		}
		self::back();
	}

	/**
	 * Check the address and the token with a harmless call.
	 */
	public static function test_connection() {
		self::check( self::TEST_ACTION );
		$result = Postsearch_Client::crawl_progress();
		if ( $result['ok'] ) {
			self::flash( 'success', __( 'The search server answered and accepted the token.', 'postsearch' ) );
		} else {
			self::flash( 'error', $result['error'] );
		}
		self::back();
	}

	/**
	 * Send the waiting changes without waiting for WP-Cron.
	 */
	public static function retry_now() {
		self::check( self::RETRY_ACTION );
		Postsearch_Notifier::retry();
		$left = count( Postsearch_Notifier::queue() );
		if ( 0 === $left ) {
			self::flash( 'success', __( 'Every waiting change has reached the search index.', 'postsearch' ) );
		} else {
			/* translators: %d: number of changes. */
			self::flash( 'error', sprintf( _n( '%d change is still waiting.', '%d changes are still waiting.', $left, 'postsearch' ), $left ) );
		}
		self::back();
	}

	/**
	 * The crawl's progress as JSON, for the settings page's script.
	 */
	public static function progress() {
		check_ajax_referer( self::PROGRESS_ACTION );
		if ( ! current_user_can( Postsearch_Settings::CAPABILITY ) ) {
			wp_send_json_error( array( 'message' => __( 'Not allowed.', 'postsearch' ) ), 403 );
		}
		$result = Postsearch_Client::crawl_progress();
		if ( ! $result['ok'] || ! isset( $result['body']['crawl'] ) ) {
			wp_send_json_error( array( 'message' => $result['error'] ), 502 );
		}
		wp_send_json_success( $result['body']['crawl'] );
	}

	/**
	 * On every admin page, for administrators: changes that did not reach the index.
	 */
	public static function notice() {
		if ( ! current_user_can( Postsearch_Settings::CAPABILITY ) ) {
			return;
		}
		$status = get_option( Postsearch_Notifier::STATUS_OPTION, array() );
		$queue  = Postsearch_Notifier::queue();
		if ( empty( $queue ) || ! is_array( $status ) || ! empty( $status['ok'] ) ) {
			return;
		}
		$settings = admin_url( 'options-general.php?page=' . Postsearch_Settings::PAGE );
		/* translators: %d: number of changes. */
		$waiting = sprintf( _n( '%d change to a post has not reached the search index.', '%d changes to posts have not reached the search index.', count( $queue ), 'postsearch' ), count( $queue ) );
		printf(
			'<div class="notice notice-error" id="postsearch-notice"><p><strong>%s</strong> %s %s <a href="%s">%s</a></p></div>',
			esc_html__( 'postsearch:', 'postsearch' ),
			esc_html( $waiting ),
			esc_html( isset( $status['message'] ) ? (string) $status['message'] : '' ),
			esc_url( $settings ),
			esc_html__( 'WordPress retries them; see Settings → postsearch.', 'postsearch' )
		);
	}

	/**
	 * Show (once) the outcome of the user's last action.
	 */
	public static function render_flash() {
		$key   = self::FLASH . get_current_user_id();
		$flash = get_transient( $key );
		if ( ! is_array( $flash ) ) {
			return;
		}
		delete_transient( $key );
		$kind = in_array( $flash['kind'], array( 'success', 'warning', 'error' ), true ) ? $flash['kind'] : 'info';
		printf( '<div class="notice notice-%s" id="postsearch-flash"><p>%s</p></div>', esc_attr( $kind ), esc_html( $flash['message'] ) );
	}

	/**
	 * The nonce and the capability, or stop.
	 *
	 * @param string $action The nonce's action.
	 */
	private static function check( $action ) {
		check_admin_referer( $action );
		if ( ! current_user_can( Postsearch_Settings::CAPABILITY ) ) {
			wp_die( esc_html__( 'You are not allowed to do this.', 'postsearch' ), 403 );
		}
	}

	/**
	 * Keep a message for the user's next page.
	 *
	 * @param string $kind    success, warning or error.
	 * @param string $message The text.
	 */
	private static function flash( $kind, $message ) {
		set_transient(
			self::FLASH . get_current_user_id(),
			array(
				'kind'    => $kind,
				'message' => $message,
			),
			MINUTE_IN_SECONDS
		);
	}

	/**
	 * Back to the settings page.
	 */
	private static function back() {
		wp_safe_redirect( admin_url( 'options-general.php?page=' . Postsearch_Settings::PAGE ) );
		exit;
	}
}
