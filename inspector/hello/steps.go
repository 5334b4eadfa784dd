package hello

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"

	"gatewaytour/inspector/gateway"
)

// stepSpec is one step: what it is called, which lines of the lesson's
// programs do it, and how the walk performs it.
type stepSpec struct {
	title, variantTitle string
	code                map[string][]int
	run                 func(ctx context.Context, r *run) ([]gateway.WireFrame, string, error)
}

// lines keys code lines by language; the numbers count lines inside the
// python and go blocks of lessons/09-hello-world.md (a test checks them).
func lines(python, golang []int) map[string][]int {
	return map[string][]int{"python": python, "go": golang}
}

var steps = [Steps]stepSpec{
	{title: "Ask REST where the gateway is", code: lines([]int{22}, []int{32}), run: stepGatewayBot},
	{title: "Open the websocket", code: lines([]int{22}, []int{32}), run: stepDial},
	{title: "Hello: the gateway sets the rhythm", code: lines([]int{22}, []int{32}), run: stepHello},
	{title: "The first heartbeat and its ACK", code: lines([]int{22}, []int{32}), run: stepHeartbeat},
	{title: "Identify, with intents", variantTitle: "Identify, without MESSAGE_CONTENT", code: lines([]int{6, 7, 9, 22}, []int{12, 16, 17, 18, 32}), run: stepIdentify},
	{title: "READY: who the bot is", code: lines([]int{12, 13, 14}, []int{20, 21}), run: stepReady},
	{title: "GUILD_CREATE: the guild arrives", code: lines([]int{14}, []int{32}), run: stepGuildCreate},
	{title: "A member types !hello", variantTitle: "A member types !hello, the bot sees nothing", code: lines([]int{9, 17, 18}, []int{23, 27}), run: stepMemberTypes},
	{title: "The bot answers over REST", variantTitle: "The bot cannot answer", code: lines([]int{19}, []int{28}), run: stepReply},
	{title: "The bot's own message comes back", variantTitle: "Silence", code: lines([]int{9}, []int{24, 25}), run: stepEcho},
}

func stepGatewayBot(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	f, status, body, err := r.restCall(ctx, http.MethodGet, "/gateway/bot", nil)
	if err != nil {
		return nil, "", err
	}
	var gb gateway.GatewayBot
	if status != http.StatusOK || json.Unmarshal(body, &gb) != nil || gb.URL == "" {
		return []gateway.WireFrame{f}, "", fmt.Errorf("GET /gateway/bot answered %d without a gateway url", status)
	}
	r.gatewayURL = gb.URL
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"The bot asked the REST API, with its token in the Authorization header, where to connect. "+
			"The answer names the gateway (%s), recommends %d shard and says %d of %d session starts are left today. "+
			"discord.py's plain Bot skips this call and dials the default gateway; discordgo asks GET /gateway instead.",
		gb.URL, gb.Shards, gb.SessionStartLimit.Remaining, gb.SessionStartLimit.Total), nil
}

func stepDial(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	sent := timeNow()
	_, u, resp, err := r.dial(ctx)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	f := upgradeFrame(r.connID, u, status, sent)
	r.emit(f)
	if err != nil {
		return []gateway.WireFrame{f}, "", fmt.Errorf("opening the websocket: %w", err)
	}
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"The bot opened a websocket to %s: an HTTP GET that the server upgraded (status 101) into a connection that stays open. "+
			"v=10 picks the API version and encoding=json asks for JSON text frames.", u), nil
}

func stepHello(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	f, p, err := r.conn.await(ctx.Done(), func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	if err != nil {
		return framesOf(f), "", err
	}
	var h gateway.Hello
	_ = json.Unmarshal(p.D, &h)
	r.interval = msDuration(h.HeartbeatInterval)
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"The first frame on a new connection is always Hello (op 10). It tells the bot to send a heartbeat every %d ms; "+
			"from now on the bot keeps that rhythm in the background, or the gateway would drop it.", h.HeartbeatInterval), nil
}

func stepHeartbeat(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	beat, err := r.conn.heartbeat()
	if err != nil {
		return nil, "", err
	}
	ack, _, err := r.conn.await(ctx.Done(), func(p gateway.Payload) bool { return p.Op == gateway.OpHeartbeatACK })
	if err != nil {
		return framesOf(beat, ack), "", err
	}
	r.conn.handOverHeartbeats()
	rtt := ack.Time.Sub(beat.Time).Milliseconds()
	return []gateway.WireFrame{beat, ack}, fmt.Sprintf(
		"The bot sent a heartbeat (op 1) carrying the last sequence number it has seen (none yet, so null), and the gateway answered with a Heartbeat ACK (op 11) after about %d ms. "+
			"That round trip is the latency libraries report; the beats now continue every %d ms without further steps.", rtt, r.interval.Milliseconds()), nil
}

func stepIdentify(_ context.Context, r *run) ([]gateway.WireFrame, string, error) {
	id := gateway.Identify{
		Token:      r.cfg.Token,
		Properties: gateway.IdentifyProperties{OS: runtime.GOOS, Browser: Peer, Device: Peer},
		Intents:    r.intents(),
	}
	f, err := r.conn.send(gateway.OpIdentify, id)
	if err != nil {
		return nil, "", err
	}
	why := "MESSAGE_CONTENT is the privileged intent that lets the bot read what members write."
	if r.opts.WithoutMessageContent {
		why = "MESSAGE_CONTENT is missing, as it is when a bot forgets intents.message_content = True: watch what that does at step 8."
	}
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"The bot logged in on the socket with Identify (op 2): its token (shown redacted) and intents %d, that is %s. %s",
		int64(id.Intents), id.Intents, why), nil
}

func stepReady(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	f, p, err := r.conn.await(ctx.Done(), isDispatch("READY"))
	if err != nil {
		return framesOf(f), "", err
	}
	var ready gateway.Ready
	_ = json.Unmarshal(p.D, &ready)
	r.botUser = ready.User
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"READY (op 0, s=1) opens the session: the bot is the user %s (id %s), and its %d guild(s) are listed only by id, marked unavailable. "+
			"The session_id and resume_gateway_url in it are what a bot keeps to resume after a drop.",
		ready.User.Username, ready.User.ID, len(ready.Guilds)), nil
}

func stepGuildCreate(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	f, p, err := r.conn.await(ctx.Done(), isDispatch("GUILD_CREATE"))
	if err != nil {
		return framesOf(f), "", err
	}
	var g gateway.Guild
	_ = json.Unmarshal(p.D, &g)
	r.guildName = g.Name
	for _, ch := range g.Channels {
		if ch.ID == r.cfg.ChannelID {
			r.channel = ch.Name
		}
	}
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"GUILD_CREATE fills in the guild READY only named: %q with %d channels, %d roles and %d members. "+
			"Libraries cache it, which is how the bot later knows where a message was posted; discord.py calls on_ready once these stop arriving.",
		g.Name, len(g.Channels), len(g.Roles), len(g.Members)), nil
}

func stepMemberTypes(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	id, err := r.postAsMember(ctx, "!hello")
	if err != nil {
		return nil, "", err
	}
	f, p, err := r.conn.await(ctx.Done(), func(p gateway.Payload) bool {
		return isDispatch("MESSAGE_CREATE")(p) && messageID(p) == id
	})
	if err != nil {
		return framesOf(f), "", err
	}
	_ = json.Unmarshal(p.D, &r.memberMsg)
	m := r.memberMsg
	if r.opts.WithoutMessageContent {
		return []gateway.WireFrame{f}, fmt.Sprintf(
			"%s typed !hello in #%s and MESSAGE_CREATE arrived, but its content is \"\": without the MESSAGE_CONTENT intent Discord blanks the text of other people's guild messages. "+
				"author (a user) and member (the same person in this guild) are still there.", m.Author.Username, r.channel), nil
	}
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"%s typed !hello in #%s and the gateway pushed MESSAGE_CREATE: author is the user, member the same person's guild side (roles, join date) without a nested user. "+
			"content reads %q because the bot asked for MESSAGE_CONTENT.", m.Author.Username, r.channel, m.Content), nil
}

func stepReply(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	m := r.memberMsg
	if m.Content != "!hello" {
		return nil, "The command framework compares the content with \"!hello\", and \"\" matches nothing, so the hello command never runs and nothing is posted. " +
			"The bot is online and the message reached it; it simply cannot read it. The fix is the intent (intents.message_content = True, or discordgo's IntentMessageContent) and, on real Discord, the switch in the Developer Portal.", nil
	}
	text := "Hello, " + m.Author.Username + "!"
	path := "/channels/" + m.ChannelID.String() + "/messages"
	f, status, body, err := r.restCall(ctx, http.MethodPost, path, map[string]string{"content": text})
	if err != nil {
		return nil, "", err
	}
	var reply gateway.Message
	if status != http.StatusOK || json.Unmarshal(body, &reply) != nil {
		return []gateway.WireFrame{f}, "", fmt.Errorf("POST %s answered %d", path, status)
	}
	r.replyID = reply.ID
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"The content matched the command, so the bot answered %q. Sending is not done on the gateway: it is a REST call, POST %s, and the answer (200) is the new message with id %s.",
		text, path, reply.ID), nil
}

func stepEcho(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	if r.replyID == 0 {
		return nil, "Nothing was posted, so nothing comes back: the member sees a bot that ignores them, with no error anywhere. " +
			"That silence is the classic symptom of a missing MESSAGE_CONTENT intent.", nil
	}
	f, p, err := r.conn.await(ctx.Done(), func(p gateway.Payload) bool {
		return isDispatch("MESSAGE_CREATE")(p) && messageID(p) == r.replyID
	})
	if err != nil {
		return framesOf(f), "", err
	}
	var m gateway.Message
	_ = json.Unmarshal(p.D, &m)
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"The bot's own message came back as MESSAGE_CREATE, author %s, like everyone else's. "+
			"A bot must ignore its own messages (discord.py's commands do; the discordgo handler checks the author) or it could answer itself forever.",
		m.Author.Username), nil
}
