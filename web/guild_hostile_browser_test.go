package web

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gatewaytour/inspector/sandbox"
)

// TestGuildMarkdownHostileInputs feeds the page's Markdown parser what a
// hostile bot might send: markup, script URLs, deep nesting, unclosed and
// huge markers, odd timestamps. It must only ever make the elements it
// knows, with no event handler, and links only to http(s), and stay fast.
func TestGuildMarkdownHostileInputs(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	openGuild(t, b, p)
	const probe = `(() => {
		const inputs = [
			"<script>window.pwned=1</script>", "<img src=x onerror=window.pwned=1>", "[click](javascript:window.pwned=1)",
			"javascript:window.pwned=1", "<javascript:alert(1)>", "https://ok.example/\"onmouseover=\"window.pwned=1",
			"*".repeat(5000), "**".repeat(3000) + "x", "||".repeat(2000), "` + "`" + `".repeat(4001), "` + "```" + `\n<b>x</b>\n` + "```" + `",
			"<t:99999999999999>", "<t:-1:R>", "<@" + "9".repeat(30) + ">", "> ".repeat(500) + "deep", "__*~~||` + "`" + `x` + "`" + `||~~*__",
			"\u202Eevil", "<a href=javascript:x>y</a>", "# <h1>", "-# <sub>",
		];
		const allowed = new Set(["STRONG", "EM", "U", "S", "CODE", "PRE", "SPAN", "BLOCKQUOTE", "BR", "DIV", "TIME", "A"]);
		const problems = [];
		const t0 = performance.now();
		for (const s of inputs) {
			const box = document.createElement("div");
			box.append(window.GatewayTourMarkdown.render(s, {}));
			for (const e of box.querySelectorAll("*")) {
				if (!allowed.has(e.tagName)) problems.push(s.slice(0, 30) + ": made " + e.tagName);
				for (const a of e.attributes) if (/^on/i.test(a.name)) problems.push(s.slice(0, 30) + ": handler " + a.name);
				if (e.tagName === "A" && !/^https?:$/.test(new URL(e.href).protocol)) problems.push(s.slice(0, 30) + ": link to " + e.href);
			}
			if (!box.textContent && s.trim()) problems.push(s.slice(0, 30) + ": lost its text");
		}
		const ms = performance.now() - t0;
		if (ms > 500) problems.push("took " + ms.toFixed(0) + " ms");
		if (window.pwned !== undefined) problems.push("script ran");
		return problems.join("\n");
	})()`
	if problems := evalIn[string](t, b, probe); problems != "" {
		t.Errorf("hostile Markdown:\n%s", problems)
	}
}

// TestGuildSelectMenus: a bot's string and user select menus are real
// controls; choosing sends the values as a component interaction.
func TestGuildSelectMenus(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	one := 1
	startDiscordgoBot(t, p, []*discordgo.ApplicationCommand{{Name: "pick", Description: "Offers menus"}}, func(_ *discordgo.Session, i *discordgo.InteractionCreate) *discordgo.InteractionResponse {
		if i.Type == discordgo.InteractionMessageComponent {
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
				Content: "picked: " + i.MessageComponentData().CustomID + "=" + i.MessageComponentData().Values[0]}}
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
			Content: "choose",
			Components: []discordgo.MessageComponent{
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{CustomID: "fruit", Placeholder: "A fruit", MinValues: &one, MaxValues: 1,
					Options: []discordgo.SelectMenuOption{{Label: "Apple", Value: "apple"}, {Label: "Pear", Value: "pear"}}}}},
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{MenuType: discordgo.UserSelectMenu, CustomID: "who", Placeholder: "Someone"}}},
			},
		}}
	})
	b := newBrowser(t)
	openGuild(t, b, p)
	b.do(t, "open #bot-commands", chromedp.Click(chromedp.CSS(`.guild-chan[data-id="`+sandbox.BotCommandsID.String()+`"]`)))
	b.waitTrue(t, "the bot is connected", `document.querySelector("#guild-nobot").hidden`)
	b.do(t, "run /pick", chromedp.Focus(chromedp.CSS("#guild-input")), chromedp.KeyEvent("/pick"), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the picker chose it", `document.querySelector("#guild-input").value.startsWith("/pick")`)
	b.do(t, "run it", chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "two menus", `document.querySelectorAll("select.gselect").length === 2 && document.querySelector('select.gselect[aria-label="Someone"]').options.length > 3`)
	b.do(t, "choose a pear", setField(`select.gselect[aria-label="A fruit"]`, "pear"))
	b.waitTrue(t, "the bot saw the value", `[...document.querySelectorAll(".gmsg")].some((m) => m.textContent.includes("picked: fruit=pear"))`)
	b.do(t, "choose someone", setField(`select.gselect[aria-label="Someone"]`, grace))
	b.waitTrue(t, "the bot saw the user", `[...document.querySelectorAll(".gmsg")].some((m) => m.textContent.includes("picked: who=`+grace+`"))`)
}

// TestGuildAutocomplete: an option with autocomplete asks the bot as the
// member types, and offers its choices under the field.
func TestGuildAutocomplete(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	cities := []string{"Berlin", "Bern", "Paris"}
	startDiscordgoBot(t, p, []*discordgo.ApplicationCommand{{Name: "visit", Description: "Visit a city", Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: "city", Description: "Where", Required: true, Autocomplete: true},
	}}}, func(_ *discordgo.Session, i *discordgo.InteractionCreate) *discordgo.InteractionResponse {
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "off to " + i.ApplicationCommandData().Options[0].StringValue()}}
		}
		typed := strings.ToLower(i.ApplicationCommandData().Options[0].StringValue())
		var choices []*discordgo.ApplicationCommandOptionChoice
		for _, c := range cities {
			if strings.HasPrefix(strings.ToLower(c), typed) {
				choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: strings.ToLower(c)})
			}
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{Choices: choices}}
	})
	b := newBrowser(t)
	openGuild(t, b, p)
	b.do(t, "open #bot-commands", chromedp.Click(chromedp.CSS(`.guild-chan[data-id="`+sandbox.BotCommandsID.String()+`"]`)))
	b.waitTrue(t, "the bot is connected", `document.querySelector("#guild-nobot").hidden`)
	b.do(t, "type /visit", chromedp.Focus(chromedp.CSS("#guild-input")), chromedp.KeyEvent("/visit"), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "its option is shown", `document.querySelector('[data-option="city"]')`)
	b.do(t, "type the start of a city", chromedp.Focus(chromedp.CSS(`[data-option="city"]`)), chromedp.KeyEvent("be"))
	b.waitTrue(t, "the bot's choices are offered", `[...document.querySelectorAll("#guild-options datalist option")].map((o) => o.value).join() === "berlin,bern"`)
	b.do(t, "finish and run", chromedp.KeyEvent("rn"), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the command ran with the value", `[...document.querySelectorAll(".gmsg")].some((m) => m.textContent.includes("off to bern"))`)
}
