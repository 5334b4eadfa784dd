package sandbox

import "gatewaytour/inspector/gateway"

// dmPermissions is what anyone has in a DM: Discord computes no roles there.
const dmPermissions = gateway.PermViewChannel | gateway.PermSendMessages | gateway.PermReadMessageHistory |
	gateway.PermAddReactions | gateway.PermEmbedLinks | gateway.PermAttachFiles | gateway.PermUseExternalEmojis |
	gateway.PermMentionEveryone | gateway.PermUseApplicationCommands | gateway.PermSendTTSMessages

// guildPermissions is a member's base permissions in a guild, as Discord
// computes them: the owner and Administrator have everything; otherwise
// @everyone's permissions ORed with each of the member's roles. 0 for
// someone who is not a member.
func (g *guildState) guildPermissions(userID gateway.Snowflake) gateway.Permissions {
	if userID == g.guild.OwnerID {
		return gateway.AllPermissions
	}
	r := g.member(userID)
	if r == nil {
		return 0
	}
	perms := g.rolePerms(g.guild.ID)
	for _, id := range r.member.Roles {
		perms |= g.rolePerms(id)
	}
	if perms.Has(gateway.PermAdministrator) {
		return gateway.AllPermissions
	}
	return perms
}

func (g *guildState) rolePerms(id gateway.Snowflake) gateway.Permissions {
	if i, ok := g.role(id); ok {
		p, _ := gateway.ParsePermissions(g.guild.Roles[i].Permissions)
		return p
	}
	return 0
}

// channelPermissions applies a channel's overwrites to the base in
// Discord's order: @everyone's overwrite, then all the member's role
// overwrites together (denies, then allows), then the member's own. A thread
// takes its parent's overwrites. Without VIEW_CHANNEL nothing else counts,
// and without SEND_MESSAGES neither do the permissions that only qualify
// sending.
func (g *guildState) channelPermissions(c *channelState, userID gateway.Snowflake) gateway.Permissions {
	base := g.guildPermissions(userID)
	if base.Has(gateway.PermAdministrator) {
		return gateway.AllPermissions
	}
	if isThread(c.ch.Type) && c.ch.ParentID != nil {
		if i := g.channelIndex(*c.ch.ParentID); i >= 0 {
			c = g.channels[i]
		}
	}
	r := g.member(userID)
	if r == nil {
		return 0
	}
	perms := base
	apply := func(allow, deny gateway.Permissions) { perms = perms&^deny | allow }
	var roleAllow, roleDeny gateway.Permissions
	var memberOW *gateway.Overwrite
	for i, o := range c.overwrites {
		allow, _ := gateway.ParsePermissions(o.Allow)
		deny, _ := gateway.ParsePermissions(o.Deny)
		switch {
		case o.Type == gateway.OverwriteRole && o.ID == g.guild.ID:
			apply(allow, deny)
		case o.Type == gateway.OverwriteRole && containsID(r.member.Roles, o.ID):
			roleAllow |= allow
			roleDeny |= deny
		case o.Type == gateway.OverwriteMember && o.ID == userID:
			memberOW = &c.overwrites[i]
		}
	}
	apply(roleAllow, roleDeny)
	if memberOW != nil {
		allow, _ := gateway.ParsePermissions(memberOW.Allow)
		deny, _ := gateway.ParsePermissions(memberOW.Deny)
		apply(allow, deny)
	}
	if !perms.Has(gateway.PermViewChannel) {
		return 0
	}
	if !perms.Has(gateway.PermSendMessages) {
		perms &^= gateway.PermMentionEveryone | gateway.PermSendTTSMessages | gateway.PermAttachFiles | gateway.PermEmbedLinks
	}
	return perms
}

// permissionsIn is userID's permissions in a channel, thread or DM: what
// interactions report as member.permissions (for the invoker) and
// app_permissions (for the bot). 0 for an unknown channel or a non-member.
func (w *world) permissionsIn(channelID, userID gateway.Snowflake) gateway.Permissions {
	c, g := w.findChannel(channelID)
	switch {
	case c == nil:
		return 0
	case g == nil:
		if userID == BotID || containsUser(c.ch.Recipients, userID) {
			return dmPermissions
		}
		return 0
	}
	return g.channelPermissions(c, userID)
}

// guildPermissions is userID's permissions in a guild, without a channel.
func (w *world) guildPermissions(guildID, userID gateway.Snowflake) gateway.Permissions {
	if g := w.guildByID(guildID); g != nil {
		return g.guildPermissions(userID)
	}
	return 0
}

func containsUser(users []gateway.User, id gateway.Snowflake) bool {
	for _, u := range users {
		if u.ID == id {
			return true
		}
	}
	return false
}

// highestRole is the position of a member's highest role (0 for @everyone
// only); the owner is above every role.
func (g *guildState) highestRole(userID gateway.Snowflake) int {
	if userID == g.guild.OwnerID {
		return 1 << 30
	}
	top := 0
	if r := g.member(userID); r != nil {
		for _, id := range r.member.Roles {
			if i, ok := g.role(id); ok && g.guild.Roles[i].Position > top {
				top = g.guild.Roles[i].Position
			}
		}
	}
	return top
}

// canManageRole reports whether actor may edit, assign or delete role:
// Manage Roles and a highest role strictly above it (the owner always may).
func (g *guildState) canManageRole(actor, role gateway.Snowflake) bool {
	if actor == g.guild.OwnerID {
		return true
	}
	i, ok := g.role(role)
	return ok && g.guildPermissions(actor).Has(gateway.PermManageRoles) && g.guild.Roles[i].Position < g.highestRole(actor)
}

// outranks reports whether actor's highest role is above target's, as
// kicking, banning and editing another member need; nobody outranks the
// owner.
func (g *guildState) outranks(actor, target gateway.Snowflake) bool {
	if target == g.guild.OwnerID {
		return false
	}
	return g.highestRole(actor) > g.highestRole(target)
}
