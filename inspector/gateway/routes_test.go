package gateway

import "testing"

func TestDiscordRoutesEmbedded(t *testing.T) {
	routes := DiscordRoutes()
	if len(routes) < 200 {
		t.Fatalf("%d routes embedded", len(routes))
	}
	for _, r := range routes {
		if r.Path == "" || r.Method == "" || r.OperationID == "" || r.Auth == "" {
			t.Fatalf("incomplete route %+v", r)
		}
	}
	for _, tc := range []struct{ path, template string }{
		{"/channels/1/messages/2", "/channels/{channel_id}/messages/{message_id}"},
		{"/channels/1/messages/pins", "/channels/{channel_id}/messages/pins"},
		{"/guilds/1/members/search", "/guilds/{guild_id}/members/search"},
		{"/guilds/1/members/@me", "/guilds/{guild_id}/members/@me"},
		{"/users/@me", "/users/@me"},
		{"/users/5", "/users/{user_id}"},
		{"/gateway/", "/gateway"},
	} {
		tpl, methods, ok := LookupDiscordRoute(tc.path)
		if !ok || tpl != tc.template || len(methods) == 0 {
			t.Errorf("%s → %q %v %v, want %q", tc.path, tpl, methods, ok, tc.template)
		}
	}
	if _, _, ok := LookupDiscordRoute("/channels/1/nowhere"); ok {
		t.Error("a path Discord lacks was found")
	}
	params, _, ok := ParseRouteTemplate("/channels/{channel_id}/messages/{message_id}").Match("/channels/7/messages/9")
	if !ok || params["channel_id"] != "7" || params["message_id"] != "9" {
		t.Fatalf("params = %v", params)
	}
}

func TestPermissions(t *testing.T) {
	p, err := ParsePermissions("3072")
	if err != nil || p != PermViewChannel|PermSendMessages || p.String() != "VIEW_CHANNEL|SEND_MESSAGES" || p.Wire() != "3072" {
		t.Fatalf("3072 = %v %v %q", p, err, p.String())
	}
	if !AllPermissions.Has(PermAdministrator|PermPinMessages) || AllPermissions.Has(1<<62) {
		t.Fatal("AllPermissions holds exactly the documented bits")
	}
}

func TestJSONErrors(t *testing.T) {
	for _, code := range []int{ErrUnknownChannel, ErrUnknownGuild, ErrUnknownMember, ErrUnknownMessage, ErrUnknownRole, ErrUnknownUser, ErrUnknownEmoji, ErrMissingAccess, ErrMissingPermissions, ErrInvalidFormBody, ErrEmptyMessage} {
		e, ok := LookupJSONError(code)
		if !ok || e.Message == "" || e.Status < 400 {
			t.Errorf("code %d = %+v %v", code, e, ok)
		}
	}
}
