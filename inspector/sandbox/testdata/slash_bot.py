"""A discord.py bot with a slash command, a button and a modal, pointed at a
gatewaytour sandbox: what a learner writes right after hello-world.

Usage: python3 slash_bot.py BASE_URL TOKEN GUILD_ID
It syncs /greet to the guild (tree.sync), prints SYNCED n, then READY. /greet
answers with a Feedback button; the button opens a modal; submitting it edits
the message and sends an ephemeral follow-up. The word option autocompletes.
"""
import sys
from typing import Optional

import discord
import yarl
from discord import app_commands

base, token, guild_id = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])

discord.http.Route.BASE = base + "/api/v10"
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
    base.replace("http://", "ws://", 1) + "/gateway"
)
GUILD = discord.Object(id=guild_id)
CITIES = ["Berlin", "Bern", "Paris"]


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    text = discord.ui.TextInput(label="Your thoughts", custom_id="text", max_length=100)

    async def on_submit(self, interaction: discord.Interaction):
        await interaction.response.edit_message(content=f"Thanks for: {self.text.value}", view=None)
        await interaction.followup.send("noted", ephemeral=True)


class FeedbackView(discord.ui.View):
    @discord.ui.button(label="Feedback", custom_id="feedback", style=discord.ButtonStyle.primary)
    async def feedback(self, interaction: discord.Interaction, button: discord.ui.Button):
        await interaction.response.send_modal(FeedbackModal(custom_id="feedback-modal"))
        # discord.py files a view or modal only once Discord has answered the
        # callback; a person takes longer than that to click, a test does not.
        print("MODAL OPEN", flush=True)


class Bot(discord.Client):
    def __init__(self):
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self):
        synced = await self.tree.sync(guild=GUILD)
        print("SYNCED", len(synced), synced[0].name, flush=True)


bot = Bot()


@bot.tree.command(description="Greets someone", guild=GUILD)
@app_commands.describe(word="What to say", who="Whom to greet", city="Where")
async def greet(interaction: discord.Interaction, word: str, who: Optional[discord.Member] = None, city: Optional[str] = None):
    name = (who or interaction.user).name
    await interaction.response.send_message(f"{word}, {name}!", view=FeedbackView())
    print("REPLIED", flush=True)  # the view is filed now, so its button works


@greet.autocomplete("city")
async def city_choices(interaction: discord.Interaction, current: str):
    return [app_commands.Choice(name=c, value=c.lower()) for c in CITIES if c.lower().startswith(current.lower())]


@bot.event
async def on_ready():
    print("READY", bot.user.id, flush=True)


bot.run(token, log_handler=None)
