package web

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gatewaytour/inspector/sandbox"
)

// TestGuildEmbedsReactionsAndEditsOnAPhone: on a 390 px phone, a bot's
// embed shows its colour, fields and footer; the member reacts and takes
// it back, edits their message ("(edited)") and deletes it (it vanishes),
// all from the keyboard.
func TestGuildEmbedsReactionsAndEditsOnAPhone(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	mountDemoSwitch(p)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the lesson is shown alone", `document.querySelector("#view-guild") && getComputedStyle(document.querySelector("#panel")).display === "none"`)
	b.do(t, "the phone's Guild tab", chromedp.Click(chromedp.CSS("#view-guild")))
	b.waitTrue(t, "the guild fills the screen", `getComputedStyle(document.querySelector(".lesson")).display === "none" && !document.querySelector("#guild-view").hidden`)
	b.waitTrue(t, "channels are listed", `document.querySelectorAll(".guild-chan").length > 3`)

	embed := `{"embeds":[{"title":"Weather **today**","description":"Sunny with ||a chance|| of rain","color":16711680,
		"fields":[{"name":"High","value":"21 °C","inline":true},{"name":"Low","value":"12 °C","inline":true},{"name":"Note","value":"bring a hat"}],
		"footer":{"text":"from the bot"}}],"attachments":[]}`
	req, _ := http.NewRequest("POST", p.ts.URL+"/api/v10/channels/"+sandbox.GeneralChannelID.String()+"/messages", bytes.NewBufferString(embed))
	req.Header.Set("Authorization", "Bot "+sandbox.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the bot's embed = %d", resp.StatusCode)
	}
	box := `document.querySelector(".gembed")`
	b.waitTrue(t, "the embed is drawn", box)
	checks := map[string]string{
		"colour":        `getComputedStyle(` + box + `).borderLeftColor === "rgb(255, 0, 0)"`,
		"title":         box + `.querySelector(".gembed-title strong").textContent === "today"`,
		"spoiler":       box + `.querySelector(".md-spoiler").textContent === "a chance"`,
		"inline fields": box + `.querySelectorAll(".gembed-field.inline").length === 2 && ` + box + `.querySelectorAll(".gembed-field").length === 3`,
		"footer":        box + `.querySelector(".gembed-footer").textContent.startsWith("from the bot")`,
		"bot tag":       box + `.closest(".gmsg").querySelector(".gmsg-bot").textContent === "BOT"`,
	}
	for what, js := range checks {
		if !evalIn[bool](t, b, "!!("+js+")") {
			t.Errorf("embed %s: %s is false", what, js)
		}
	}

	typeMessage(t, b, "a message to change")
	mine := `[...document.querySelectorAll(".gmsg")].find((m) => m.textContent.includes("a message to change"))`
	b.waitTrue(t, "it is drawn", mine)
	b.do(t, "react with the keyboard", chromedp.Focus(chromedp.JSPath(mine+`.querySelector('[aria-label="React with 👍"]')`)), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "one reaction, ours", mine+`?.querySelector(".greaction[aria-pressed=true]")?.textContent === "👍 1"`)
	b.do(t, "take it back", chromedp.Focus(chromedp.JSPath(mine+`.querySelector(".greaction")`)), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "no reaction left", mine+` && !`+mine+`.querySelector(".greaction")`)
	b.do(t, "edit it", chromedp.Focus(chromedp.JSPath(mine+`.querySelector('[aria-label="Edit"]')`)), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the box holds it", `document.activeElement.id === "guild-input" && document.activeElement.value === "a message to change"`)
	b.do(t, "change it", chromedp.KeyEvent(", changed"), chromedp.KeyEvent(kb.Enter))
	changed := `[...document.querySelectorAll(".gmsg")].find((m) => m.textContent.includes("a message to change, changed"))`
	b.waitTrue(t, "it says (edited)", changed+`?.querySelector(".gmsg-edited")`)
	b.do(t, "delete it", chromedp.Focus(chromedp.JSPath(changed+`.querySelector('[aria-label="Delete"]')`)), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "it vanished", `!`+changed)

	if w := evalIn[float64](t, b, "document.documentElement.scrollWidth"); w > 390 {
		t.Errorf("the page is %.0f px wide on a 390 px phone", w)
	}
	if w := evalIn[float64](t, b, `document.querySelector("#guild-view").getBoundingClientRect().right`); w > 390 {
		t.Errorf("the guild view reaches %.0f px on a 390 px phone", w)
	}
	b.screenshot(t, "guild-phone")
	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Errorf("console problems: %v", problems)
	}
}
