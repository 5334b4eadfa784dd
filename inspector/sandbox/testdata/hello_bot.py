"""The lessons' hello-world bot, pointed at a gatewaytour sandbox.

Usage: python3 hello_bot.py BASE_URL TOKEN [all]
BASE_URL is the sandbox's http://host:port. The bot prints READY once it is
logged in and answers !hello in any channel. With "all" it asks for every
intent and prints a line for each member who joins or leaves.
"""
import sys

import discord
import yarl
from discord.ext import commands

base, token = sys.argv[1].rstrip("/"), sys.argv[2]

# Both URLs are hard-coded to discord.com in the library; point them at the sandbox.
discord.http.Route.BASE = base + "/api/v10"
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
    base.replace("http://", "ws://", 1) + "/gateway"
)

intents = discord.Intents.default()
intents.message_content = True
if sys.argv[3:] == ["all"]:
    intents = discord.Intents.all()
bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.2)


@bot.event
async def on_ready():
    print("READY", bot.user.id, len(bot.guilds), flush=True)


@bot.event
async def on_member_join(member):
    print("JOIN", member.name, flush=True)


@bot.event
async def on_member_remove(member):
    print("LEAVE", member.name, flush=True)


@bot.command()
async def hello(ctx):
    await ctx.send(f"Hello, {ctx.author.name}!")


bot.run(token, log_handler=None)
