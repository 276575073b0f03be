<?php
/**
 * The theme's own search form, sent to postsearch.
 *
 * Two ways, chosen in the settings: "redirect" answers WordPress's search (`/?s=word`) with
 * a redirect to the postsearch results page for the same words, so every search form of
 * every theme works unchanged; "widget" adds postsearch's widget.js to the site's pages,
 * which shows instant results under the theme's search box and sends Enter to the results
 * page (the site's origin must then be in the server's `cors_origins`).
 *
 * @package postsearch
 */

defined( 'ABSPATH' ) || exit;

/**
 * The redirect and the widget.
 */
class Postsearch_Search_Form {

	const HANDLE = 'postsearch-widget';

	/** The theme's search box, for the widget: WordPress's search forms name it `s`. */
	const INPUT_SELECTOR = 'input[name="s"]';

	/**
	 * Hook into WordPress.
	 */
	public static function register() {
		add_action( 'template_redirect', array( __CLASS__, 'redirect_search' ) );
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue_widget' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'widget_tag' ), 10, 2 );
	}

	/**
	 * The mode in force ('off' while the server is not set).
	 *
	 * @return string
	 */
	private static function mode() {
		return '' === Postsearch_Options::public_url() ? 'off' : (string) Postsearch_Options::get( 'search_mode' );
	}

	/**
	 * A WordPress search goes to postsearch's results page, with the same words.
	 */
	public static function redirect_search() {
		if ( 'redirect' !== self::mode() || ! is_search() || is_admin() ) {
			return;
		}
		$target = Postsearch_Options::public_url() . '/search';
		$words  = get_search_query( false );
		if ( '' !== $words ) {
			$target = add_query_arg( 'q', rawurlencode( $words ), $target );
		}
		// The target is the administrator's own setting, not the visitor's input.
		wp_redirect( esc_url_raw( $target ), 302, 'postsearch' ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect -- an administrator-set address on another host.
		exit;
	}

	/**
	 * The widget's script on the site's pages.
	 */
	public static function enqueue_widget() {
		if ( 'widget' !== self::mode() ) {
			return;
		}
		wp_enqueue_script( self::HANDLE, Postsearch_Options::public_url() . '/widget.js', array(), null, true ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion -- the server versions its own script.
	}

	/**
	 * The widget's script tag names the search box it serves.
	 *
	 * @param string $tag    The script tag.
	 * @param string $handle The script's handle.
	 * @return string
	 */
	public static function widget_tag( $tag, $handle ) {
		if ( self::HANDLE !== $handle ) {
			return $tag;
		}
		$attributes = sprintf( ' data-postsearch-input="%s" defer', esc_attr( self::INPUT_SELECTOR ) );
		return str_replace( ' src=', $attributes . ' src=', $tag );
	}
}
