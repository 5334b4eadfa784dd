package inspector

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// Realistic frames, shaped like what Discord sends (keys in Discord's own
// order, t before d) unless a test says otherwise.

const testToken = "MTAwMDAwMDAwMDAwMDAwMDAw.GxYz12.abcdefghijklmnopqrstuvwxyz0123456789AB"

const (
	fxHello            = `{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250,"_trace":["[\"gateway-prd-us-east1-c-7b6q\",{\"micros\":0.0}]"]}}`
	fxIdentify         = `{"op":2,"d":{"token":"` + testToken + `","properties":{"os":"linux","browser":"discord.py","device":"discord.py"},"compress":true,"large_threshold":250,"intents":33281}}`
	fxACK              = `{"t":null,"s":null,"op":11,"d":null}`
	fxReady            = `{"t":"READY","s":1,"op":0,"d":{"v":10,"user_settings":{},"user":{"verified":true,"username":"tourbot","mfa_enabled":false,"id":"1350037460222083072","global_name":null,"flags":0,"email":null,"discriminator":"0","bot":true,"avatar":null},"session_type":"normal","session_id":"9b3e2f4c1a5d6e7f8a9b0c1d2e3f4a5b","resume_gateway_url":"wss://gateway-us-east1-c.discord.gg","relationships":[],"private_channels":[],"presences":[],"guilds":[{"unavailable":true,"id":"1350037460222083100"},{"unavailable":true,"id":"1350037460222083200"}],"guild_join_requests":[],"application":{"id":"1350037460222083072","flags":565248}}}`
	fxMessage          = `{"t":"MESSAGE_CREATE","s":5,"op":0,"d":{"type":0,"tts":false,"timestamp":"2026-11-23T21:40:00.000000+00:00","referenced_message":{"id":"1350037460222090000","author":{"username":"bob","id":"1350037460222083301","discriminator":"0","avatar":null}},"pinned":false,"nonce":"1350037460222089999","mentions":[{"username":"tourbot","public_flags":0,"member":{"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"2026-11-01T10:00:00.000000+00:00","flags":0,"deaf":false,"communication_disabled_until":null,"avatar":null},"id":"1350037460222083072","global_name":null,"discriminator":"0","bot":true,"avatar":null}],"mention_roles":[],"mention_everyone":false,"member":{"roles":["1350037460222083150"],"premium_since":null,"pending":false,"nick":"Al","mute":false,"joined_at":"2026-11-01T10:00:00.000000+00:00","flags":0,"deaf":false,"communication_disabled_until":null,"avatar":null},"id":"1350037460222090001","flags":0,"embeds":[],"edited_timestamp":null,"content":"hello <@1350037460222083072> & welcome","components":[],"channel_id":"1350037460222083110","author":{"username":"alice","public_flags":0,"id":"1350037460222083300","global_name":"Alice","discriminator":"0","avatar":null},"attachments":[],"guild_id":"1350037460222083100"}}`
	fxPresence         = `{"t":"PRESENCE_UPDATE","s":6,"op":0,"d":{"user":{"id":"1350037460222083300"},"status":"idle","guild_id":"1350037460222083100","client_status":{"desktop":"idle"},"activities":[{"type":0,"name":"Go","created_at":1763934000000}]}}`
	fxTyping           = `{"t":"TYPING_START","s":7,"op":0,"d":{"user_id":"1350037460222083300","timestamp":1763934001,"member":{"user":{"username":"alice","public_flags":0,"id":"1350037460222083300","global_name":"Alice","discriminator":"0","avatar":null},"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"2026-11-01T10:00:00.000000+00:00","flags":0,"deaf":false,"communication_disabled_until":null,"avatar":null},"channel_id":"1350037460222083110","guild_id":"1350037460222083100"}}`
	fxMemberAdd        = `{"t":"GUILD_MEMBER_ADD","s":8,"op":0,"d":{"user":{"username":"carol","public_flags":0,"id":"1350037460222083302","global_name":null,"discriminator":"0","avatar":null},"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"2026-11-23T21:41:00.000000+00:00","guild_id":"1350037460222083100","flags":0,"deaf":false,"communication_disabled_until":null,"avatar":null}}`
	fxInteractionGuild = `{"t":"INTERACTION_CREATE","s":9,"op":0,"d":{"version":1,"type":2,"token":"aW50ZXJhY3Rpb24tdG9rZW4","member":{"user":{"username":"alice","id":"1350037460222083300","discriminator":"0","avatar":null},"roles":[],"permissions":"2248473465835073","joined_at":"2026-11-01T10:00:00.000000+00:00","deaf":false,"mute":false},"locale":"en-US","id":"1350037460222095000","guild_id":"1350037460222083100","data":{"type":1,"name":"ping","id":"1350037460222094000"},"channel_id":"1350037460222083110","application_id":"1350037460222083072"}}`
	fxInteractionDM    = `{"t":"INTERACTION_CREATE","s":10,"op":0,"d":{"version":1,"user":{"username":"alice","id":"1350037460222083300","discriminator":"0","avatar":null},"type":2,"token":"aW50ZXJhY3Rpb24tdG9rZW4","locale":"en-US","id":"1350037460222095001","data":{"type":1,"name":"ping","id":"1350037460222094000"},"context":1,"channel_id":"1350037460222083500","application_id":"1350037460222083072"}}`
)

// guildCreate builds a GUILD_CREATE with n members (and their presences),
// the shape Discord sends for a guild after READY.
func guildCreate(n int, s int64) []byte {
	var b strings.Builder
	b.Grow(n * 420)
	fmt.Fprintf(&b, `{"t":"GUILD_CREATE","s":%d,"op":0,"d":{"id":"1350037460222083100","name":"Gateway Tour","icon":null,"owner_id":"1350037460222083300","afk_timeout":300,"verification_level":1,"roles":[{"id":"1350037460222083100","name":"@everyone","color":0,"hoist":false,"position":0,"permissions":"2248473465835073","managed":false,"mentionable":false,"flags":0}],"emojis":[],"features":[],"member_count":%d,"large":%t,"joined_at":"2026-11-01T10:00:00.000000+00:00","channels":[{"id":"1350037460222083110","type":0,"name":"general","position":0,"permission_overwrites":[],"topic":null,"nsfw":false,"last_message_id":null,"parent_id":null,"rate_limit_per_user":0}],"threads":[],"voice_states":[],"members":[`, s, n, n >= 250)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"user":{"username":"member%d","public_flags":0,"id":"%d","global_name":"Member %d","discriminator":"0","avatar":null},"roles":[],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"2026-11-01T10:00:00.000000+00:00","flags":0,"deaf":false,"communication_disabled_until":null,"avatar":null}`, i, 1350037460222100000+i, i)
	}
	b.WriteString(`],"presences":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"user":{"id":"%d"},"status":"online","client_status":{"web":"online"},"activities":[]}`, 1350037460222100000+i)
	}
	b.WriteString(`],"stage_instances":[],"guild_scheduled_events":[]}}`)
	return []byte(b.String())
}

// guildCreateSized is GUILD_CREATE as Discord sends it for a large guild
// past large_threshold: members with only the keys always present, and no
// presences (those arrive only for online members).
func guildCreateSized(n int) []byte {
	full := guildCreate(1, 2)
	head := full[:bytes.Index(full, []byte(`"members":[`))+len(`"members":[`)]
	var b bytes.Buffer
	b.Write(head)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"user":{"username":"member%d","id":"%d","discriminator":"0","avatar":null},"roles":[],"nick":null,"mute":false,"joined_at":"2026-11-01T10:00:00.000000+00:00","flags":0,"deaf":false}`, i, 1350037460222100000+i)
	}
	b.WriteString(`],"presences":[],"stage_instances":[],"guild_scheduled_events":[]}}`)
	return b.Bytes()
}

func frame(conn string, dir gateway.Direction, at time.Time, text string) gateway.WireFrame {
	return gateway.WireFrame{Conn: conn, Time: at, Dir: dir, Data: []byte(text), WireSize: len(text)}
}

func beat(s string) string { return `{"op":1,"d":` + s + `}` }
