package gateway

// JSONError is one of Discord's JSON error codes: the code and message in an
// error body ({"code": 10003, "message": "Unknown Channel"}) and the HTTP
// status it comes with.
type JSONError struct {
	Code    int
	Status  int
	Message string
}

// The JSON error codes the sandbox answers with, worded as Discord's API
// words them (topics/opcodes-and-status-codes, "JSON Error Codes").
const (
	ErrGeneral                 = 0
	ErrUnknownChannel          = 10003
	ErrUnknownGuild            = 10004
	ErrUnknownMember           = 10007
	ErrUnknownMessage          = 10008
	ErrUnknownOverwrite        = 10009
	ErrUnknownRole             = 10011
	ErrUnknownUser             = 10013
	ErrUnknownEmoji            = 10014
	ErrUnknownWebhook          = 10015
	ErrUnknownBan              = 10026
	ErrUnknownInteraction      = 10062
	ErrUnknownCommand          = 10063
	ErrBotsCannotUse           = 20001
	ErrMaxPins                 = 30003
	ErrMaxRoles                = 30005
	ErrMaxReactions            = 30010
	ErrMaxChannels             = 30013
	ErrEntityTooLarge          = 40005
	ErrAlreadyAcknowledged     = 40060
	ErrMissingAccess           = 50001
	ErrDMChannel               = 50003
	ErrCannotEditOthers        = 50005
	ErrEmptyMessage            = 50006
	ErrCannotMessageUser       = 50007
	ErrNonTextChannel          = 50008
	ErrMissingPermissions      = 50013
	ErrBulkDeleteCount         = 50016
	ErrPinWrongChannel         = 50019
	ErrSystemMessage           = 50021
	ErrWrongChannelType        = 50024
	ErrBulkDeleteTooOld        = 50034
	ErrInvalidFormBody         = 50035
	ErrArchivedThread          = 50083
	ErrInvalidJSON             = 50109
	ErrThreadAlreadyForMessage = 160004
)

var jsonErrors = []JSONError{
	{ErrGeneral, 400, "General error"},
	{ErrUnknownChannel, 404, "Unknown Channel"},
	{ErrUnknownGuild, 404, "Unknown Guild"},
	{ErrUnknownMember, 404, "Unknown Member"},
	{ErrUnknownMessage, 404, "Unknown Message"},
	{ErrUnknownOverwrite, 404, "Unknown Overwrite"},
	{ErrUnknownRole, 404, "Unknown Role"},
	{ErrUnknownUser, 404, "Unknown User"},
	{ErrUnknownEmoji, 400, "Unknown Emoji"},
	{ErrUnknownWebhook, 404, "Unknown Webhook"},
	{ErrUnknownBan, 404, "Unknown Ban"},
	{ErrUnknownInteraction, 404, "Unknown interaction"},
	{ErrUnknownCommand, 404, "Unknown application command"},
	{ErrBotsCannotUse, 403, "Bots cannot use this endpoint"},
	{ErrMaxPins, 400, "Maximum number of pins reached (50)"},
	{ErrMaxRoles, 400, "Maximum number of guild roles reached (250)"},
	{ErrMaxReactions, 400, "Maximum number of reactions reached (20)"},
	{ErrMaxChannels, 400, "Maximum number of guild channels reached (500)"},
	{ErrEntityTooLarge, 413, "Request entity too large"},
	{ErrAlreadyAcknowledged, 400, "Interaction has already been acknowledged."},
	{ErrMissingAccess, 403, "Missing Access"},
	{ErrDMChannel, 403, "Cannot execute action on a DM channel"},
	{ErrCannotEditOthers, 403, "Cannot edit a message authored by another user"},
	{ErrEmptyMessage, 400, "Cannot send an empty message"},
	{ErrCannotMessageUser, 403, "Cannot send messages to this user"},
	{ErrNonTextChannel, 400, "Cannot send messages in a non-text channel"},
	{ErrMissingPermissions, 403, "Missing Permissions"},
	{ErrBulkDeleteCount, 400, "Provided too few or too many messages to delete. Must provide at least 2 and fewer than 100 messages to delete."},
	{ErrPinWrongChannel, 400, "A message can only be pinned to the channel it was sent in"},
	{ErrSystemMessage, 400, "Cannot execute action on a system message"},
	{ErrWrongChannelType, 400, "Cannot execute action on this channel type"},
	{ErrBulkDeleteTooOld, 400, "A message provided was too old to bulk delete"},
	{ErrInvalidFormBody, 400, "Invalid Form Body"},
	{ErrArchivedThread, 400, "Thread is archived"},
	{ErrInvalidJSON, 400, "The request body contains invalid JSON."},
	{ErrThreadAlreadyForMessage, 400, "A thread has already been created for this message"},
}

var jsonErrorByCode = func() map[int]JSONError {
	m := make(map[int]JSONError, len(jsonErrors))
	for _, e := range jsonErrors {
		m[e.Code] = e
	}
	return m
}()

// LookupJSONError describes a JSON error code.
func LookupJSONError(code int) (JSONError, bool) {
	e, ok := jsonErrorByCode[code]
	return e, ok
}
