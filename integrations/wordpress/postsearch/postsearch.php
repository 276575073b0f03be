<?php
/**
 * Plugin Name:       postsearch
 * Description:       Sends the site's posts to a postsearch server as they are published, changed or removed, and sends the theme's search box to postsearch's results.
 * Version:           0.2.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            The postsearch authors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       postsearch
 *
 * @package postsearch
 */

defined( 'ABSPATH' ) || exit;

define( 'POSTSEARCH_VERSION', '0.2.0' );
define( 'POSTSEARCH_DIR', __DIR__ );

require_once POSTSEARCH_DIR . '/includes/class-postsearch-options.php';
require_once POSTSEARCH_DIR . '/includes/class-postsearch-client.php';
require_once POSTSEARCH_DIR . '/includes/class-postsearch-notifier.php';
require_once POSTSEARCH_DIR . '/includes/class-postsearch-search-form.php';
require_once POSTSEARCH_DIR . '/includes/class-postsearch-settings.php';
require_once POSTSEARCH_DIR . '/includes/class-postsearch-admin-actions.php';

Postsearch_Notifier::register();
Postsearch_Search_Form::register();
if ( is_admin() ) {
	Postsearch_Settings::register();
	Postsearch_Admin_Actions::register();
}

register_deactivation_hook( __FILE__, array( 'Postsearch_Notifier', 'deactivate' ) );
