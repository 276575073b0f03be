<?php
/**
 * The plugin's settings: where the search server is, its admin token, what to send.
 *
 * One option, `postsearch_settings`, holds them all. The token may instead be defined in
 * wp-config.php (`define( 'POSTSEARCH_TOKEN', '...' );`), which keeps it out of the
 * database; the constant wins when both are set.
 *
 * @package postsearch
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads and cleans the plugin's settings.
 */
class Postsearch_Options {

	const OPTION = 'postsearch_settings';

	/** The ways the theme's search form can reach postsearch. */
	const SEARCH_MODES = array( 'off', 'redirect', 'widget' );

	/**
	 * Every setting with its default.
	 *
	 * @return array<string, mixed>
	 */
	public static function defaults() {
		return array(
			'server_url'  => '',
			'public_url'  => '',
			'token'       => '',
			'search_mode' => 'off',
			'index_pages' => false,
		);
	}

	/**
	 * The saved settings, completed with defaults.
	 *
	 * @return array<string, mixed>
	 */
	public static function all() {
		$saved = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $saved ) ? $saved : array() );
	}

	/**
	 * One setting.
	 *
	 * @param string $name The setting's name.
	 * @return mixed
	 */
	public static function get( $name ) {
		$all = self::all();
		return isset( $all[ $name ] ) ? $all[ $name ] : null;
	}

	/**
	 * The address WordPress uses to call the server's API, without a trailing slash.
	 *
	 * @return string
	 */
	public static function server_url() {
		return untrailingslashit( (string) self::get( 'server_url' ) );
	}

	/**
	 * The address visitors reach the search page at (the server's, unless a proxy serves it
	 * elsewhere, e.g. https://blog.example/search).
	 *
	 * @return string
	 */
	public static function public_url() {
		$public = untrailingslashit( (string) self::get( 'public_url' ) );
		return '' !== $public ? $public : self::server_url();
	}

	/**
	 * The admin token: wp-config.php's POSTSEARCH_TOKEN, else the saved one.
	 *
	 * @return string
	 */
	public static function token() {
		if ( defined( 'POSTSEARCH_TOKEN' ) && '' !== (string) constant( 'POSTSEARCH_TOKEN' ) ) {
			return (string) constant( 'POSTSEARCH_TOKEN' );
		}
		return (string) self::get( 'token' );
	}

	/**
	 * Whether the token comes from wp-config.php (then the settings page cannot change it).
	 *
	 * @return bool
	 */
	public static function token_is_constant() {
		return defined( 'POSTSEARCH_TOKEN' ) && '' !== (string) constant( 'POSTSEARCH_TOKEN' );
	}

	/**
	 * The token as the settings page may show it: never in full.
	 *
	 * @return string Empty when no token is set.
	 */
	public static function token_hint() {
		$token = self::token();
		if ( '' === $token ) {
			return '';
		}
		return strlen( $token ) > 12 ? '…' . substr( $token, -4 ) : '…';
	}

	/**
	 * Whether the server can be called at all.
	 *
	 * @return bool
	 */
	public static function is_configured() {
		return '' !== self::server_url() && '' !== self::token();
	}

	/**
	 * The post types whose changes are sent.
	 *
	 * @return string[]
	 */
	public static function post_types() {
		$types = self::get( 'index_pages' ) ? array( 'post', 'page' ) : array( 'post' );
		/**
		 * Filters the post types whose changes are sent to postsearch.
		 *
		 * @param string[] $types Post type names.
		 */
		return (array) apply_filters( 'postsearch_post_types', $types );
	}

	/**
	 * The settings form's values, cleaned (the register_setting sanitize callback).
	 *
	 * A blank token keeps the saved one: the form never holds it. options.php has already
	 * unslashed the values.
	 *
	 * @param mixed $input The submitted values.
	 * @return array<string, mixed>
	 */
	public static function sanitize( $input ) {
		$input = is_array( $input ) ? $input : array();
		$old   = self::all();
		$clean = self::defaults();

		$clean['server_url'] = self::clean_url( $input, 'server_url', __( 'Search server address', 'postsearch' ) );
		$clean['public_url'] = self::clean_url( $input, 'public_url', __( 'Public search page address', 'postsearch' ) );
		$token               = isset( $input['token'] ) ? trim( sanitize_text_field( (string) $input['token'] ) ) : '';
		$clean['token']      = '' !== $token ? $token : (string) $old['token'];
		if ( ! empty( $input['forget_token'] ) ) {
			$clean['token'] = '';
		}
		$mode                 = isset( $input['search_mode'] ) ? sanitize_key( $input['search_mode'] ) : 'off';
		$clean['search_mode'] = in_array( $mode, self::SEARCH_MODES, true ) ? $mode : 'off';
		$clean['index_pages'] = ! empty( $input['index_pages'] );
		return $clean;
	}

	/**
	 * One URL field: http(s) only, else empty with a settings error.
	 *
	 * @param array  $input The submitted values.
	 * @param string $name  The field.
	 * @param string $label The field's label, for the error.
	 * @return string
	 */
	private static function clean_url( $input, $name, $label ) {
		$value = isset( $input[ $name ] ) ? trim( (string) $input[ $name ] ) : '';
		if ( '' === $value ) {
			return '';
		}
		$url = esc_url_raw( $value, array( 'http', 'https' ) );
		if ( '' === $url || ! self::has_host( $url ) ) {
			/* translators: %s: the field's label. */
			add_settings_error( self::OPTION, $name, sprintf( __( '%s must be an http:// or https:// address.', 'postsearch' ), $label ) );
			return '';
		}
		return untrailingslashit( $url );
	}

	/**
	 * An http(s) URL with a host. A search server on this machine (http://127.0.0.1:8000)
	 * is a normal set-up, so wp_http_validate_url (which refuses local hosts) is not used.
	 *
	 * @param string $url The URL.
	 * @return bool
	 */
	private static function has_host( $url ) {
		$parts = wp_parse_url( $url );
		return is_array( $parts ) && ! empty( $parts['host'] ) && in_array( $parts['scheme'] ?? '', array( 'http', 'https' ), true );
	}
}
