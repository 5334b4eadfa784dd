package hello

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// SlashSteps is how many steps the modern walk (Options.Slash) has.
const SlashSteps = 11

// slashLines keys code lines by language; the numbers count lines inside
// the python, go and js blocks of lessons/14-hello-slash.md (a test checks
// them).
func slashLines(python, golang, js []int) map[string][]int {
	return map[string][]int{"python": python, "go": golang, "js": js}
}

// slashState is what the modern walk learns on the wire.
type slashState struct {
	commandID gateway.Snowflake
	// answered holds the frames of a callback the walk sent at once, in the
	// step that received the interaction, because an interaction must be
	// answered within 3 s and a reader takes longer to press Next.
	answered  []gateway.WireFrame
	messageID gateway.Snowflake
	content   string
}

var slashSteps = []stepSpec{
	{title: "Ask REST where the gateway is", code: slashLines([]int{38}, []int{62}, []int{27}), run: stepGatewayBot},
	{title: "Open the websocket", code: slashLines([]int{38}, []int{62}, []int{27}), run: stepDial},
	{title: "Hello: the gateway sets the rhythm", code: slashLines([]int{38}, []int{62}, []int{27}), run: stepHello},
	{title: "The first heartbeat and its ACK", code: slashLines([]int{38}, []int{62}, []int{27}), run: stepHeartbeat},
	{title: "Identify, with intents 0", code: slashLines([]int{17}, []int{22}, []int{6}), run: stepIdentify},
	{title: "READY, and no GUILD_CREATE", code: slashLines([]int{34, 35}, []int{24, 25}, []int{10, 11}), run: stepSlashReady},
	{title: "Register /hello: one PUT", code: slashLines([]int{22, 28, 29}, []int{13, 14, 26}, []int{12}), run: stepRegister},
	{title: "A member uses /hello", code: slashLines([]int{28, 29}, []int{30, 37}, []int{15, 16}), run: stepMemberUsesHello},
	{title: "The bot answers, with a button", code: slashLines([]int{30}, []int{38, 39, 40, 42, 43, 57}, []int{17, 18, 19, 20}), run: stepShowAnswer},
	{title: "The member clicks Wave back", code: slashLines([]int{10, 11}, []int{46}, []int{22}), run: stepMemberClicks},
	{title: "The bot updates the message", code: slashLines([]int{12}, []int{47, 48, 50, 51, 57}, []int{23}), run: stepShowAnswer},
}

func (o Options) stepList() []stepSpec {
	if o.Slash {
		return slashSteps
	}
	return steps[:]
}

func stepSlashReady(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	frames, explanation, err := stepReady(ctx, r)
	if err != nil {
		return frames, explanation, err
	}
	return frames, explanation + " With intents 0 no GUILD_CREATE follows: it is gated by the GUILDS intent, and this bot needs none of the guild's details to answer a command.", nil
}

func stepRegister(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	path := "/applications/" + r.botUser.ID.String() + "/guilds/" + sandbox.GuildID.String() + "/commands"
	commands := []map[string]any{{"name": "hello", "description": "Say hello", "type": 1}}
	f, status, body, err := r.restCall(ctx, http.MethodPut, path, commands)
	if err != nil {
		return nil, "", err
	}
	var got []struct {
		ID gateway.Snowflake `json:"id"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &got) != nil || len(got) != 1 {
		return []gateway.WireFrame{f}, "", fmt.Errorf("PUT %s answered %d", path, status)
	}
	r.slash.commandID = got[0].ID
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"The bot registered its command over REST, not on the gateway: PUT %s replaces the guild's whole list with this one command, "+
			"and the answer gives /hello the id %s. A guild command is usable at once; discord.py does this in tree.sync, discordgo in ApplicationCommandBulkOverwrite, discord.js in commands.set.",
		path, got[0].ID), nil
}

// interact acts as the member through the sandbox's actor API, which
// answers once the bot's callback arrived; the result comes on the channel.
func (r *run) interact(ctx context.Context, body map[string]any) <-chan actorAnswer {
	out := make(chan actorAnswer, 1)
	go func() {
		var a actorAnswer
		raw, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.cfg.BaseURL+"/sandbox/interactions", bytes.NewReader(raw))
		if err == nil {
			var resp *http.Response
			if resp, err = r.cfg.HTTPClient.Do(req); err == nil {
				err = json.NewDecoder(io.LimitReader(resp.Body, maxRESTBody)).Decode(&a)
				resp.Body.Close()
			}
		}
		a.err = err
		out <- a
	}()
	return out
}

// interaction is the part of INTERACTION_CREATE's d the walk reads.
type interaction struct {
	ID     gateway.Snowflake `json:"id"`
	Type   int               `json:"type"`
	Token  string            `json:"token"`
	Member struct {
		User gateway.User `json:"user"`
	} `json:"member"`
}

// actorAnswer is the part of the actor API's answer the walk reads.
type actorAnswer struct {
	Error    *string `json:"error"`
	Response *struct {
		Message struct {
			ID gateway.Snowflake `json:"id"`
		} `json:"message"`
	} `json:"response"`
	err error
}

// receiveAndAnswer waits for the INTERACTION_CREATE the member's action
// caused and answers it at once with callback, as a bot must.
func (r *run) receiveAndAnswer(ctx context.Context, kind int, act <-chan actorAnswer, callback func(p interaction) any) (gateway.WireFrame, interaction, error) {
	f, p, err := r.conn.await(ctx.Done(), func(p gateway.Payload) bool {
		var in interaction
		return isDispatch("INTERACTION_CREATE")(p) && json.Unmarshal(p.D, &in) == nil && in.Type == kind
	})
	if err != nil {
		return f, interaction{}, err
	}
	var in interaction
	_ = json.Unmarshal(p.D, &in)
	path := "/interactions/" + in.ID.String() + "/" + in.Token + "/callback"
	cb, status, body, err := r.restCall(ctx, http.MethodPost, path, callback(in))
	if err != nil {
		return f, in, err
	}
	r.slash.answered = []gateway.WireFrame{cb}
	if status != http.StatusNoContent {
		return f, in, callbackRefused(status, body)
	}
	select {
	case a := <-act:
		if a.err != nil || a.Error != nil || a.Response == nil {
			return f, in, fmt.Errorf("the member's action went wrong: %v %v", a.err, a.Error)
		}
		r.slash.messageID = a.Response.Message.ID
	case <-ctx.Done():
		return f, in, ctx.Err()
	}
	return f, in, nil
}

// callbackRefused explains a refused callback. Every bot logged in with the
// sandbox's token gets the interaction, so a learner's own bot running
// beside the walk may answer first.
func callbackRefused(status int, body []byte) error {
	var e struct {
		Code int `json:"code"`
	}
	if json.Unmarshal(body, &e) == nil && e.Code == gateway.ErrAlreadyAcknowledged {
		return fmt.Errorf("another bot logged in with the sandbox's token answered this interaction first (%d, already acknowledged); stop it and restart the walk", e.Code)
	}
	return fmt.Errorf("the callback answered %d: %s", status, body)
}

func stepMemberUsesHello(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	act := r.interact(ctx, map[string]any{"type": "command", "name": "hello", "channel_id": r.cfg.ChannelID, "user_id": r.cfg.MemberID})
	f, in, err := r.receiveAndAnswer(ctx, 2, act, func(in interaction) any {
		r.slash.content = "Hello, " + in.Member.User.Username + "!"
		wave := map[string]any{"type": 2, "style": 1, "label": "Wave back", "custom_id": "wave"}
		return map[string]any{"type": 4, "data": map[string]any{"content": r.slash.content,
			"components": []any{map[string]any{"type": 1, "components": []any{wave}}}}}
	})
	if err != nil {
		return framesOf(f), "", err
	}
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"%s typed /hello and Discord sent INTERACTION_CREATE, interaction type 2 (an application command) with data.name \"hello\". "+
			"It came without any intent. Used in a guild, it carries member (with the user inside) rather than user, and app_permissions, what the bot may do in this channel. "+
			"The clock started now: the bot has 3 seconds to answer, so the walk answered at once; the next step shows that answer.",
		in.Member.User.Username), nil
}

func stepMemberClicks(ctx context.Context, r *run) ([]gateway.WireFrame, string, error) {
	act := r.interact(ctx, map[string]any{"type": "component", "message_id": r.slash.messageID, "custom_id": "wave", "user_id": r.cfg.MemberID})
	f, in, err := r.receiveAndAnswer(ctx, 3, act, func(in interaction) any {
		r.slash.content = in.Member.User.Username + " waved back!"
		return map[string]any{"type": 7, "data": map[string]any{"content": r.slash.content, "components": []any{}}}
	})
	if err != nil {
		return framesOf(f), "", err
	}
	return []gateway.WireFrame{f}, fmt.Sprintf(
		"%s pressed Wave back: a second INTERACTION_CREATE, type 3 (a message component), whose data.custom_id is \"wave\", the id the bot gave the button, and whose message is the one the button sits on. "+
			"Again 3 seconds to answer, and again the walk answered at once.", in.Member.User.Username), nil
}

// stepShowAnswer presents the callback the previous step sent.
func stepShowAnswer(_ context.Context, r *run) ([]gateway.WireFrame, string, error) {
	frames := r.slash.answered
	if len(frames) == 0 {
		return nil, "", fmt.Errorf("no answer was sent")
	}
	var ex gateway.RESTExchange
	_ = json.Unmarshal(frames[0].Data, &ex)
	var cb struct {
		Type int `json:"type"`
	}
	_ = json.Unmarshal(ex.Request, &cb)
	what := "type 4, a message in the channel, carrying an action row with one button (custom_id \"wave\")"
	if cb.Type == 7 {
		what = "type 7, update message: the message the button was on now reads differently and has no components left, so it cannot be pressed twice"
	}
	return frames, fmt.Sprintf(
		"The answer went out within milliseconds as POST /interactions/{id}/{token}/callback, %s. It reads %q. "+
			"The interaction's token, not the bot's, is the credential here, and Discord answers 204 with no body. The message is %s.",
		what, r.slash.content, r.slash.messageID), nil
}
