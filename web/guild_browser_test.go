package web

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gatewaytour/inspector/demobot"
	"gatewaytour/inspector/sandbox"
)

const (
	guildJS = "window.GatewayTourGuild"
	grace   = "1315649146060931072" // a sandbox member with roles
)

// openGuild opens a lesson and switches the panel column to the guild with
// the keyboard: Tab onto the Frames tab, then the arrow key.
func openGuild(t *testing.T, b *browserSession, p *panelServer) {
	t.Helper()
	mountDemoSwitch(p)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the panel is ready", `document.querySelector("#panel-tab-guild")`)
	b.do(t, "focus the Frames tab", chromedp.Focus(chromedp.CSS("#panel-tab-frames")))
	b.do(t, "arrow to the Guild tab", chromedp.KeyEvent(kb.ArrowRight))
	b.waitTrue(t, "the guild tab is selected and focused", `document.activeElement.id === "panel-tab-guild" && !document.querySelector("#guild-view").hidden && document.querySelector("#panel-body").hidden`)
	b.waitTrue(t, "channels are listed", `document.querySelectorAll(".guild-chan").length > 3`)
}

var mountedDemo sync.Map // *panelServer → *demobot.Supervisor

// mountDemoSwitch serves /sandbox/demobot as cmd/gatewaytour does, with the
// demo bot itself left stopped unless a test runs the supervisor.
func mountDemoSwitch(p *panelServer) *demobot.Supervisor {
	sup := &demobot.Supervisor{API: p.ts.URL + "/api/v10", Token: sandbox.Token, Others: demobot.OtherBots(p.sb), Every: 100 * time.Millisecond}
	if old, loaded := mountedDemo.LoadOrStore(p, sup); loaded {
		return old.(*demobot.Supervisor)
	}
	p.site.Mount("/sandbox/demobot", sup.Handler())
	return sup
}

// typeMessage types into the message box, Shift+Enter between lines, then
// presses Enter.
func typeMessage(t *testing.T, b *browserSession, lines ...string) {
	t.Helper()
	b.do(t, "focus the message box", chromedp.Focus(chromedp.CSS("#guild-input")))
	for i, line := range lines {
		if i > 0 {
			b.do(t, "Shift+Enter", chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierShift)))
		}
		b.do(t, "type", chromedp.KeyEvent(line))
	}
	b.do(t, "press Enter", chromedp.KeyEvent(kb.Enter))
}

// TestGuildViewRendersMarkdownAndNeverRunsContent: with no bot, the view
// says how to connect one; a member's message renders Discord's Markdown
// (bold, italics, underline, strike, code, spoilers, quotes, mentions as
// pills) and its HTML stays text, from the keyboard alone.
func TestGuildViewRendersMarkdownAndNeverRunsContent(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	openGuild(t, b, p)
	b.waitTrue(t, "no bot: the recipe is shown", `!document.querySelector("#guild-nobot").hidden && document.querySelector("#guild-nobot pre").textContent.includes("discord.py")`)

	hostile := `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>`
	typeMessage(t, b,
		"**bold** *it* __under__ ~~gone~~ `a<b>` ||secret|| <@"+grace+"> <@&"+sandbox.ModeratorRoleID.String()+"> <#"+sandbox.GeneralChannelID.String()+"> "+hostile,
		"> quoted [x](javascript:window.pwned=3) javascript:alert(1)",
		"```go", `fmt.Println("<b>")`, "```")
	b.waitTrue(t, "the message is drawn", `[...document.querySelectorAll(".gmsg-body")].some((e) => e.textContent.includes("quoted"))`)
	body := `[...document.querySelectorAll(".gmsg-body")].find((e) => e.textContent.includes("quoted"))`
	checks := map[string]string{
		"bold":         body + `.querySelector("strong").textContent === "bold"`,
		"italics":      body + `.querySelector("em").textContent === "it"`,
		"underline":    body + `.querySelector("u").textContent === "under"`,
		"strike":       body + `.querySelector("s").textContent === "gone"`,
		"inline code":  body + `.querySelector("code.md-code").textContent === "a<b>"`,
		"spoiler":      body + `.querySelector(".md-spoiler[role=button]").textContent === "secret"`,
		"user pill":    body + `.querySelector(".md-mention-user").textContent === "@Grace"`,
		"role pill":    body + `.querySelector(".md-mention-role").textContent === "@Moderator"`,
		"channel pill": body + `.querySelector(".md-mention-channel").textContent === "#general"`,
		"quote":        body + `.querySelector("blockquote").textContent.startsWith("quoted")`,
		"code block":   body + `.querySelector("pre code").textContent === 'fmt.Println("<b>")'`,
		"no html":      body + `.querySelector("img, script, a[href^=javascript]") === null && ` + body + `.textContent.includes("<img src=x")`,
		"nothing ran":  `window.pwned === undefined`,
		"author":       `[...document.querySelectorAll(".gmsg-name")].some((e) => e.textContent === ` + jsString(p.sb.World().You.DisplayName) + `)`,
	}
	for what, js := range checks {
		if !evalIn[bool](t, b, "!!("+js+")") {
			t.Errorf("%s: %s is false; the message is %q", what, js, evalIn[string](t, b, body+".textContent"))
		}
	}
	b.do(t, "reveal the spoiler with the keyboard", chromedp.Focus(chromedp.CSS(".md-spoiler")), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the spoiler is shown", `document.querySelector(".md-spoiler").getAttribute("aria-expanded") === "true"`)
	b.do(t, "show the members", chromedp.Click(chromedp.CSS("#guild-members-toggle")))
	b.waitTrue(t, "members are listed with their presence", `document.querySelectorAll("#guild-members .guild-member .dot").length > 3`)
	b.do(t, "invite someone", chromedp.Focus(chromedp.CSS("#guild-invite-name")), chromedp.KeyEvent("newbie"), chromedp.KeyEvent(kb.Enter))
	newbie := `[...document.querySelectorAll("#guild-members .guild-member")].find((li) => li.textContent.includes("newbie"))`
	b.waitTrue(t, "they joined", newbie)
	b.do(t, "make them leave", chromedp.Click(chromedp.JSPath(newbie+`.querySelector(".guild-leave")`)))
	b.waitTrue(t, "they left", `!`+newbie)
	b.screenshot(t, "guild-markdown")

	// Moving to the next lesson keeps the guild open and live.
	b.do(t, "go to the next lesson", chromedp.Click(chromedp.CSS(`.pager a[rel=next]`)))
	b.waitTrue(t, "the next lesson is shown", `document.body.dataset.lesson === "second"`)
	if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "said during the next lesson"); err != nil {
		t.Fatal(err)
	}
	b.waitTrue(t, "the guild is still open and live", `!document.querySelector("#guild-view").hidden && [...document.querySelectorAll(".gmsg-body")].some((e) => e.textContent === "said during the next lesson")`)
	if p := b.consoleProblems(); len(p) > 0 {
		t.Errorf("console problems: %s", strings.Join(p, "\n"))
	}
}
