package gateway

import "strconv"

// Opcode is the "op" field of a gateway payload.
type Opcode int

const (
	OpDispatch                Opcode = 0
	OpHeartbeat               Opcode = 1
	OpIdentify                Opcode = 2
	OpPresenceUpdate          Opcode = 3
	OpVoiceStateUpdate        Opcode = 4
	OpResume                  Opcode = 6
	OpReconnect               Opcode = 7
	OpRequestGuildMembers     Opcode = 8
	OpInvalidSession          Opcode = 9
	OpHello                   Opcode = 10
	OpHeartbeatACK            Opcode = 11
	OpRequestSoundboardSounds Opcode = 31
	OpRequestChannelInfo      Opcode = 43
)

// Direction says who sends a frame. Send is client→server, Recv server→client,
// matching the words Discord's documentation and the frame record use.
type Direction string

const (
	Send Direction = "send"
	Recv Direction = "recv"
	Both Direction = "both"
)

// OpcodeInfo describes one opcode for people: what it is called, who sends
// it and what it is for.
type OpcodeInfo struct {
	Op      Opcode
	Name    string
	Dir     Direction
	Meaning string
}

var opcodeTable = []OpcodeInfo{
	{OpDispatch, "Dispatch", Recv, "An event: the server pushes something that happened (READY, GUILD_CREATE, MESSAGE_CREATE…), named by t and numbered by s."},
	{OpHeartbeat, "Heartbeat", Both, "Keep-alive. The client sends it every heartbeat_interval with the last sequence it saw; when the server sends it, the client must beat at once."},
	{OpIdentify, "Identify", Send, "Starts a new session: the bot's token, its intents and a description of the client."},
	{OpPresenceUpdate, "Presence Update", Send, "Sets the bot's status (online, idle, dnd, invisible) and activity."},
	{OpVoiceStateUpdate, "Voice State Update", Send, "Joins, moves between or leaves voice channels."},
	{OpResume, "Resume", Send, "Picks up a dropped session: the server replays the events that were missed, then sends RESUMED."},
	{OpReconnect, "Reconnect", Recv, "The server asks the client to reconnect and resume; the socket is about to close."},
	{OpRequestGuildMembers, "Request Guild Members", Send, "Asks for members of a guild; answered by GUILD_MEMBERS_CHUNK dispatches."},
	{OpInvalidSession, "Invalid Session", Recv, "Identify or Resume failed. d=true: the client may resume; d=false: it must identify again."},
	{OpHello, "Hello", Recv, "The first frame on every connection; carries heartbeat_interval in milliseconds."},
	{OpHeartbeatACK, "Heartbeat ACK", Recv, "The server received a heartbeat. A missing ACK means the connection may be a zombie."},
	{OpRequestSoundboardSounds, "Request Soundboard Sounds", Send, "Asks for the soundboard sounds of some guilds; answered by a SOUNDBOARD_SOUNDS dispatch."},
	{OpRequestChannelInfo, "Request Channel Info", Send, "Asks for short-lived voice channel data; answered by a CHANNEL_INFO dispatch."},
}

var opcodeByNumber = func() map[Opcode]OpcodeInfo {
	m := make(map[Opcode]OpcodeInfo, len(opcodeTable))
	for _, o := range opcodeTable {
		m[o.Op] = o
	}
	return m
}()

// Opcodes lists every documented opcode in numeric order.
func Opcodes() []OpcodeInfo { return append([]OpcodeInfo(nil), opcodeTable...) }

// LookupOpcode returns the description of op and whether Discord documents it.
func LookupOpcode(op Opcode) (OpcodeInfo, bool) {
	o, ok := opcodeByNumber[op]
	return o, ok
}

// Name is the opcode's documented name, or "Unknown op N".
func (op Opcode) Name() string {
	if o, ok := opcodeByNumber[op]; ok {
		return o.Name
	}
	return "Unknown op " + strconv.Itoa(int(op))
}

func (op Opcode) String() string { return op.Name() }

// ClientMaySend reports whether a client is allowed to send op.
func (op Opcode) ClientMaySend() bool {
	o, ok := opcodeByNumber[op]
	return ok && (o.Dir == Send || o.Dir == Both)
}
