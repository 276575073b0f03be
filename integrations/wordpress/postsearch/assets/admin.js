/* postsearch settings page: follow a running crawl. Polls the plugin's admin-ajax action
   (nonce-checked, administrators only) every two seconds while the crawl runs, and writes
   each value into its table cell as text. */
(function () {
	'use strict';
	var table = document.getElementById( 'postsearch-crawl' );
	var config = window.postsearchAdmin;
	if ( ! table || ! config || ! window.fetch ) {
		return;
	}
	function show( crawl ) {
		Array.prototype.forEach.call( table.querySelectorAll( 'td[data-field]' ), function ( cell ) {
			var value = crawl[ cell.getAttribute( 'data-field' ) ];
			cell.textContent = value === null || value === undefined ? '—' : String( value );
		} );
		return crawl.state === 'running';
	}
	function poll() {
		var body = new URLSearchParams( { action: config.action, _ajax_nonce: config.nonce } );
		fetch( config.ajaxUrl, { method: 'POST', body: body, credentials: 'same-origin' } )
			.then( function ( response ) { return response.json(); } )
			.then( function ( answer ) {
				if ( answer && answer.success && show( answer.data ) ) {
					setTimeout( poll, 2000 );
				}
			} )
			.catch( function () { /* The table keeps what it last showed. */ } );
	}
	var state = table.querySelector( 'td[data-field="state"]' );
	if ( state && state.textContent === 'running' ) {
		setTimeout( poll, 2000 );
	}
})();
