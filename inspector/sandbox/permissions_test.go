package sandbox

import (
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

func TestPermissionsFollowDiscordsAlgorithm(t *testing.T) {
	w := newWorld(time.Now())
	g := w.home()
	general := g.channels[g.channelIndex(GeneralChannelID)]
	check := func(what string, channel, user gateway.Snowflake, want, not gateway.Permissions) {
		t.Helper()
		got := w.permissionsIn(channel, user)
		if !got.Has(want) || got&not != 0 {
			t.Errorf("%s: %v, want %v and not %v", what, got, want, not)
		}
	}
	check("the owner has everything", StaffChannelID, DefaultMemberID, gateway.AllPermissions, 0)
	check("the bot's role", GeneralChannelID, BotID, gateway.PermManageMessages|gateway.PermSendMessages, gateway.PermAdministrator)
	check("@everyone's overwrite hides staff-only", StaffChannelID, graceID, 0, gateway.PermViewChannel)
	if w.permissionsIn(StaffChannelID, BotID) != 0 {
		t.Errorf("without View Channel nothing else counts: %v", w.permissionsIn(StaffChannelID, BotID))
	}
	check("a role overwrite lets the bot announce", AnnouncementsID, BotID, gateway.PermSendMessages, 0)
	check("@everyone cannot announce", AnnouncementsID, graceID, gateway.PermViewChannel, gateway.PermSendMessages)
	check("a thread takes its parent's", IntroThreadID, graceID, gateway.PermSendMessagesInThreads, 0)

	// A member overwrite beats role overwrites; role overwrites are
	// combined: one role's allow wins over another's deny.
	general.overwrites = []gateway.Overwrite{
		{ID: MemberRoleID, Type: gateway.OverwriteRole, Allow: "0", Deny: gateway.PermAddReactions.Wire()},
		{ID: BotRoleID, Type: gateway.OverwriteRole, Allow: gateway.PermAddReactions.Wire(), Deny: "0"},
		{ID: graceID, Type: gateway.OverwriteMember, Allow: "0", Deny: gateway.PermSendMessages.Wire()},
	}
	check("role deny", GeneralChannelID, graceID, gateway.PermViewChannel, gateway.PermAddReactions|gateway.PermSendMessages)
	check("implicit: no Send Messages, no Embed Links", GeneralChannelID, graceID, 0, gateway.PermEmbedLinks|gateway.PermAttachFiles)
	g.member(BotID).member.Roles = []gateway.Snowflake{BotRoleID, MemberRoleID}
	check("allow beats deny across roles", GeneralChannelID, BotID, gateway.PermAddReactions, 0)

	// Administrator short-circuits every overwrite.
	i, _ := g.role(MemberRoleID)
	g.guild.Roles[i].Permissions = (everyonePerms | gateway.PermAdministrator).Wire()
	check("administrator", StaffChannelID, graceID, gateway.AllPermissions, 0)

	check("a DM", DMChannelID, DefaultMemberID, gateway.PermSendMessages, gateway.PermManageMessages)
	if w.permissionsIn(DMChannelID, graceID) != 0 || w.permissionsIn(1, BotID) != 0 {
		t.Error("strangers to a DM or unknown channels have no permissions")
	}
}

func TestRoleHierarchy(t *testing.T) {
	g := newWorld(time.Now()).home()
	if !g.canManageRole(BotID, MemberRoleID) || g.canManageRole(BotID, ModeratorRoleID) || g.canManageRole(BotID, BotRoleID) {
		t.Error("the bot manages roles strictly below its own")
	}
	if !g.canManageRole(DefaultMemberID, ModeratorRoleID) {
		t.Error("the owner manages every role")
	}
	if g.outranks(BotID, DefaultMemberID) || !g.outranks(BotID, graceID) || g.outranks(graceID, BotID) {
		t.Error("outranking follows the highest role, and nobody outranks the owner")
	}
}

func TestRESTPermissionErrors(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	// The bot denies itself Send Messages in #general through an overwrite.
	body := `{"permission_overwrites":[{"id":"` + BotID.String() + `","type":1,"allow":"0","deny":"` + gateway.PermSendMessages.Wire() + `"}]}`
	if resp, raw := api(t, ts, "PATCH", channelPath(GeneralChannelID, ""), body, nil); resp.StatusCode != 200 {
		t.Fatalf("overwrite = %d %s", resp.StatusCode, raw)
	}
	resp, raw := api(t, ts, "POST", channelPath(GeneralChannelID, "/messages"), `{"content":"hi"}`, nil)
	wantError(t, resp, raw, 403, 50013)
	resp, raw = api(t, ts, "GET", channelPath(StaffChannelID, ""), "", nil)
	wantError(t, resp, raw, 403, 50001)
	resp, raw = api(t, ts, "PATCH", channelPath(GeneralChannelID, ""), `{"name":""}`, nil)
	wantError(t, resp, raw, 400, 50035, "name")
}
