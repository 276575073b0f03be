<?php
/**
 * Deleting the plugin deletes its settings (the token with them), its queue and its log.
 *
 * @package postsearch
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

foreach ( array( 'postsearch_settings', 'postsearch_queue', 'postsearch_status', 'postsearch_log' ) as $postsearch_option ) {
	delete_option( $postsearch_option );
}
wp_clear_scheduled_hook( 'postsearch_retry' );
