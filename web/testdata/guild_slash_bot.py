"""The guild view's discord.py bot, pointed at a gatewaytour sandbox; it
behaves as the discordgo bot in guild_bots_test.go does.

Usage: python3 guild_slash_bot.py BASE_URL TOKEN GUILD_ID
/greet word:<str> times:<int 1-5> answers "greet: <word> ×<times>" with a
More button (primary), a disabled Nope and a link button; More opens the
Feedback modal; submitting it answers "Thanks for: <words>" to the invoker
only. Prints READY once the command is synced.
"""
import sys
from typing import Optional

import discord
import yarl
from discord import app_commands

base, token, guild_id = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])
discord.http.Route.BASE = base + "/api/v10"
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http://", "ws://", 1) + "/gateway")
GUILD = discord.Object(id=guild_id)


class Feedback(discord.ui.Modal, title="Feedback"):
    words = discord.ui.TextInput(label="Your words", custom_id="words", min_length=2, max_length=50)

    async def on_submit(self, interaction: discord.Interaction):
        await interaction.response.send_message(f"Thanks for: {self.words.value}", ephemeral=True)


class Buttons(discord.ui.View):
    def __init__(self):
        super().__init__(timeout=None)
        self.add_item(discord.ui.Button(label="Nope", custom_id="nope", style=discord.ButtonStyle.danger, disabled=True))
        self.add_item(discord.ui.Button(label="Docs", url="https://discord.com/developers/docs"))

    @discord.ui.button(label="More", custom_id="more", style=discord.ButtonStyle.primary, row=0)
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button):
        await interaction.response.send_modal(Feedback(custom_id="feedback"))


class Bot(discord.Client):
    def __init__(self):
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self):
        self.add_view(Buttons())
        await self.tree.sync(guild=GUILD)


bot = Bot()


@bot.tree.command(description="Greets someone", guild=GUILD)
@app_commands.describe(word="What to say", times="How many times")
async def greet(interaction: discord.Interaction, word: str, times: Optional[app_commands.Range[int, 1, 5]] = 1):
    await interaction.response.send_message(f"greet: {word} ×{times}", view=Buttons())


@bot.event
async def on_ready():
    print("READY", bot.user.id, flush=True)


bot.run(token, log_handler=None)
