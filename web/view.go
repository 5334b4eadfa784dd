package web

import (
	"gatewaytour/inspector/gateway"
	"gatewaytour/lessons"
)

// chrome is what every page shares: the product name, the asset URLs (with
// their content hashes) and the table of contents.
type chrome struct {
	Product string
	Assets  assetLinks
	Lessons []*lessons.Lesson
	CSRF    string // this process's token for the panel's POSTs
	HasLive bool   // a live hub is there, so lesson pages carry the panel
	// HasHello: the hello-world lesson carries the stepper.
	HasHello bool
	Panel    panelData
}

// panelData is the protocol vocabulary the panel's controls offer, taken
// from the protocol package so the panel never spells an opcode itself.
type panelData struct {
	Opcodes []gateway.OpcodeInfo
	Events  []gateway.EventInfo
	Intents []gateway.IntentInfo
}

func newPanelData() panelData {
	return panelData{Opcodes: gateway.Opcodes(), Events: gateway.Events(), Intents: gateway.IntentList()}
}

// assetLinks are the versioned URLs the pages refer to. They carry the
// content hash so the browser may cache them forever (see assets.go).
type assetLinks struct {
	AppCSS       string
	HighlightCSS string
	PanelCSS     string
	GuildCSS     string
	AppJS        string
	SearchJS     string
	ThemeJS      string
	NavJS        string
	PanelJS      []string // in load order
	Icon         string
}

// lessonView is one lesson page: the lesson, where it sits in the course and
// its neighbours (nil at the ends of the course).
type lessonView struct {
	Lesson     *lessons.Lesson
	Number     int
	Total      int
	Prev, Next *lessons.Lesson
}

func lessonURL(l *lessons.Lesson) string { return "/lessons/" + l.Slug }
