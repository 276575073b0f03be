<?php
/**
 * Settings → postsearch: the server's address and token, the search form, and what the
 * plugin has been doing (waiting changes, recent problems, the last crawl).
 *
 * Only users who can `manage_options` see it. The token is a password field that is never
 * filled in: the page says that a token is saved and shows its last four characters.
 *
 * @package postsearch
 */

defined( 'ABSPATH' ) || exit;

/**
 * The settings page.
 */
class Postsearch_Settings {

	const PAGE       = 'postsearch';
	const GROUP      = 'postsearch';
	const CAPABILITY = 'manage_options';

	/**
	 * Hook into WordPress's admin.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
		add_action( 'admin_init', array( __CLASS__, 'register_setting' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
	}

	/**
	 * The page under Settings.
	 */
	public static function add_page() {
		add_options_page( __( 'postsearch', 'postsearch' ), __( 'postsearch', 'postsearch' ), self::CAPABILITY, self::PAGE, array( __CLASS__, 'render' ) );
	}

	/**
	 * The option, saved through options.php (which checks the nonce and the capability).
	 */
	public static function register_setting() {
		register_setting(
			self::GROUP,
			Postsearch_Options::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( 'Postsearch_Options', 'sanitize' ),
				'default'           => Postsearch_Options::defaults(),
			)
		);
	}

	/**
	 * The progress script, on this page only.
	 *
	 * @param string $hook The admin page's hook name.
	 */
	public static function enqueue( $hook ) {
		if ( 'settings_page_' . self::PAGE !== $hook ) {
			return;
		}
		wp_enqueue_script( 'postsearch-admin', plugins_url( 'assets/admin.js', POSTSEARCH_DIR . '/postsearch.php' ), array(), POSTSEARCH_VERSION, true );
		wp_localize_script(
			'postsearch-admin',
			'postsearchAdmin',
			array(
				'ajaxUrl' => admin_url( 'admin-ajax.php' ),
				'nonce'   => wp_create_nonce( Postsearch_Admin_Actions::PROGRESS_ACTION ),
				'action'  => Postsearch_Admin_Actions::PROGRESS_ACTION,
			)
		);
	}

	/**
	 * The page.
	 */
	public static function render() {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'You are not allowed to change postsearch settings.', 'postsearch' ), 403 );
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'postsearch', 'postsearch' ) . '</h1>';
		Postsearch_Admin_Actions::render_flash();
		settings_errors( Postsearch_Options::OPTION );
		echo '<form method="post" action="' . esc_url( admin_url( 'options.php' ) ) . '">';
		settings_fields( self::GROUP );
		self::render_fields( Postsearch_Options::all() );
		submit_button();
		echo '</form>';
		self::render_crawl();
		self::render_queue();
		echo '</div>';
	}

	/**
	 * The settings form's fields.
	 *
	 * @param array $settings The saved settings.
	 */
	private static function render_fields( $settings ) {
		$name = Postsearch_Options::OPTION;
		echo '<table class="form-table" role="presentation">';
		self::row(
			'postsearch-server-url',
			__( 'Search server address', 'postsearch' ),
			sprintf( '<input type="url" class="regular-text code" id="postsearch-server-url" name="%s[server_url]" value="%s" placeholder="http://127.0.0.1:8000">', esc_attr( $name ), esc_attr( $settings['server_url'] ) ),
			__( 'Where WordPress reaches postsearch serve (its admin API).', 'postsearch' )
		);
		self::row(
			'postsearch-public-url',
			__( 'Public search page address', 'postsearch' ),
			sprintf( '<input type="url" class="regular-text code" id="postsearch-public-url" name="%s[public_url]" value="%s" placeholder="https://blog.example/search">', esc_attr( $name ), esc_attr( $settings['public_url'] ) ),
			__( 'Where visitors reach it, if not at the address above (e.g. behind the site\'s nginx).', 'postsearch' )
		);
		self::render_token_row( $name );
		self::render_mode_row( $name, $settings['search_mode'] );
		self::row(
			'postsearch-index-pages',
			__( 'Pages', 'postsearch' ),
			sprintf( '<label><input type="checkbox" id="postsearch-index-pages" name="%s[index_pages]" value="1"%s> %s</label>', esc_attr( $name ), checked( $settings['index_pages'], true, false ), esc_html__( 'Send changes to pages too, not only posts', 'postsearch' ) ),
			''
		);
		echo '</table>';
	}

	/**
	 * The token: a password field that is never filled in, and a hint of the saved one.
	 *
	 * @param string $name The option's name.
	 */
	private static function render_token_row( $name ) {
		$hint = Postsearch_Options::token_hint();
		if ( Postsearch_Options::token_is_constant() ) {
			$field = '<p>' . esc_html__( 'Set in wp-config.php (POSTSEARCH_TOKEN).', 'postsearch' ) . '</p>';
		} else {
			$field = sprintf( '<input type="password" class="regular-text code" id="postsearch-token" name="%s[token]" value="" autocomplete="new-password">', esc_attr( $name ) );
			if ( '' !== $hint ) {
				$field .= sprintf( ' <label><input type="checkbox" name="%s[forget_token]" value="1"> %s</label>', esc_attr( $name ), esc_html__( 'Forget it', 'postsearch' ) );
			}
		}
		/* translators: %s: the last characters of the saved token. */
		$saved = '' !== $hint ? sprintf( __( 'A token is saved (ending %s). Leave the field blank to keep it.', 'postsearch' ), $hint ) : __( 'The server\'s POSTSEARCH_ADMIN_TOKEN. No token is saved yet.', 'postsearch' );
		self::row( 'postsearch-token', __( 'Admin token', 'postsearch' ), $field, $saved );
	}

	/**
	 * How the theme's search form reaches postsearch.
	 *
	 * @param string $name    The option's name.
	 * @param string $current The saved mode.
	 */
	private static function render_mode_row( $name, $current ) {
		$modes = array(
			'off'      => __( 'Leave the theme\'s search form to WordPress', 'postsearch' ),
			'redirect' => __( 'Send searches to the postsearch results page', 'postsearch' ),
			'widget'   => __( 'Show instant postsearch results under the search box (add this site to the server\'s cors_origins)', 'postsearch' ),
		);
		$html = '<fieldset>';
		foreach ( $modes as $mode => $label ) {
			$html .= sprintf( '<label><input type="radio" name="%s[search_mode]" value="%s"%s> %s</label><br>', esc_attr( $name ), esc_attr( $mode ), checked( $current, $mode, false ), esc_html( $label ) );
		}
		$html .= '</fieldset>';
		self::row( 'postsearch-search-mode', __( 'Search form', 'postsearch' ), $html, '' );
	}

	/**
	 * One row of the form. `$field` is HTML built above with every value escaped.
	 *
	 * @param string $id          The field's id.
	 * @param string $label       The label text.
	 * @param string $field       The field's HTML.
	 * @param string $description A line under the field.
	 */
	private static function row( $id, $label, $field, $description ) {
		printf( '<tr><th scope="row"><label for="%s">%s</label></th><td>', esc_attr( $id ), esc_html( $label ) );
		echo $field; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts in this class.
		if ( '' !== $description ) {
			echo '<p class="description">' . esc_html( $description ) . '</p>';
		}
		echo '</td></tr>';
	}

	/**
	 * "Reindex everything" and the last crawl's progress.
	 */
	private static function render_crawl() {
		echo '<h2>' . esc_html__( 'Reindex everything', 'postsearch' ) . '</h2>';
		echo '<p>' . esc_html__( 'The server crawls the whole site (its sitemap and links) in the background: new and changed posts are indexed, unchanged ones cost nothing, removed ones leave the index.', 'postsearch' ) . '</p>';
		Postsearch_Admin_Actions::render_button( Postsearch_Admin_Actions::CRAWL_ACTION, __( 'Reindex everything', 'postsearch' ), 'primary' );
		Postsearch_Admin_Actions::render_button( Postsearch_Admin_Actions::TEST_ACTION, __( 'Test the connection', 'postsearch' ), 'secondary' );
		$progress = Postsearch_Options::is_configured() ? Postsearch_Client::crawl_progress() : null;
		$crawl    = ( $progress && $progress['ok'] && isset( $progress['body']['crawl'] ) ) ? $progress['body']['crawl'] : array();
		echo '<table class="widefat striped" id="postsearch-crawl" style="max-width:40em"><tbody>';
		foreach ( self::crawl_fields() as $key => $label ) {
			$value = isset( $crawl[ $key ] ) ? (string) $crawl[ $key ] : '—';
			printf( '<tr><th scope="row">%s</th><td data-field="%s">%s</td></tr>', esc_html( $label ), esc_attr( $key ), esc_html( $value ) );
		}
		echo '</tbody></table>';
	}

	/**
	 * The crawl's fields shown, in order (admin.js updates the same cells).
	 *
	 * @return array<string, string>
	 */
	private static function crawl_fields() {
		return array(
			'state'       => __( 'State', 'postsearch' ),
			'pages'       => __( 'Pages read', 'postsearch' ),
			'indexed'     => __( 'Posts indexed', 'postsearch' ),
			'unchanged'   => __( 'Unchanged', 'postsearch' ),
			'deleted'     => __( 'Removed', 'postsearch' ),
			'failed'      => __( 'Failed', 'postsearch' ),
			'started_at'  => __( 'Started', 'postsearch' ),
			'finished_at' => __( 'Finished', 'postsearch' ),
			'summary'     => __( 'Summary', 'postsearch' ),
			'error'       => __( 'Error', 'postsearch' ),
		);
	}

	/**
	 * Changes waiting for a retry, and the recent problems.
	 */
	private static function render_queue() {
		$queue = Postsearch_Notifier::queue();
		echo '<h2>' . esc_html__( 'Changes waiting', 'postsearch' ) . '</h2>';
		if ( empty( $queue ) ) {
			echo '<p>' . esc_html__( 'None: every change has reached the search index.', 'postsearch' ) . '</p>';
		} else {
			echo '<ul>';
			foreach ( $queue as $url => $item ) {
				/* translators: 1: URL, 2: attempts, 3: last error. */
				echo '<li>' . esc_html( sprintf( __( '%1$s (%2$d attempts): %3$s', 'postsearch' ), $url, $item['attempts'], $item['error'] ) ) . '</li>';
			}
			echo '</ul>';
			Postsearch_Admin_Actions::render_button( Postsearch_Admin_Actions::RETRY_ACTION, __( 'Send them now', 'postsearch' ), 'secondary' );
		}
		$log = get_option( Postsearch_Notifier::LOG_OPTION, array() );
		if ( ! empty( $log ) && is_array( $log ) ) {
			echo '<h2>' . esc_html__( 'Recent problems', 'postsearch' ) . '</h2><ul>';
			foreach ( $log as $entry ) {
				echo '<li>' . esc_html( wp_date( 'Y-m-d H:i:s', (int) $entry['time'] ) . ' — ' . $entry['message'] ) . '</li>';
			}
			echo '</ul>';
		}
	}
}
