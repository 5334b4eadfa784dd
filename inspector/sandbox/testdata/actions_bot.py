"""A discord.py bot that does what bots do, through discord.py's own API.

Usage: python3 actions_bot.py BASE_URL TOKEN GUILD COMMUNITY GENERAL ADA KEN GRACE MODERATOR
It logs in with every intent (so discord.py chunks the large guild before
on_ready), then runs each step and prints "OK name" or "FAIL name: error",
then "DONE".
"""
import sys
import traceback

import discord
import yarl

base, token = sys.argv[1].rstrip("/"), sys.argv[2]
GUILD, COMMUNITY, GENERAL, ADA, KEN, GRACE, MODERATOR = (int(x) for x in sys.argv[3:10])

discord.http.Route.BASE = base + "/api/v10"
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
    base.replace("http://", "ws://", 1) + "/gateway"
)

client = discord.Client(intents=discord.Intents.all())


async def step(name, coro):
    try:
        result = await coro
        print("OK", name, flush=True)
        return result
    except Exception as e:  # report and go on: the test reads every line
        print("FAIL", name + ":", repr(e), flush=True)
        traceback.print_exc()
        return None


async def forbidden(coro):
    try:
        await coro
    except discord.Forbidden as e:
        if e.code == 50013:
            return
        raise
    raise AssertionError("no 403 Missing Permissions")


async def check(cond, what):
    if not cond:
        raise AssertionError(what)


@client.event
async def on_ready():
    community = client.get_guild(COMMUNITY)
    await step("chunked", check(community is not None and len(community.members) == community.member_count, "community members: %s of %s" % (len(community.members) if community else None, community.member_count if community else None)))
    channel = client.get_channel(GENERAL)
    msg = await step("send", channel.send("hello from discord.py"))
    await step("edit", msg.edit(content="edited"))
    await step("react", msg.add_reaction("\N{THUMBS UP SIGN}"))
    await step("typing", _typing(channel))
    await step("pin", msg.pin())
    pins = await step("pins", channel.pins())
    await step("pins listed", check(pins and pins[0].id == msg.id, "pins: %r" % pins))
    history = await step("history", _history(channel))
    await step("history listed", check(history and history[0].id != 0, "history: %r" % history))
    thread = await step("thread", msg.create_thread(name="about this"))
    await step("send in thread", thread.send("in the thread"))
    other = await step("send another", channel.send("to delete"))
    await step("delete", other.delete())

    guild = await step("fetch guild", client.fetch_guild(GUILD))
    await step("fetch member", guild.fetch_member(ADA))
    user = await step("fetch user", client.fetch_user(KEN))
    dm = await step("open DM", user.create_dm())
    await step("DM", dm.send("a DM"))

    cached = client.get_guild(GUILD)
    role = await step("create role", cached.create_role(name="Helper"))
    ken = cached.get_member(KEN) or await cached.fetch_member(KEN)
    await step("add role", ken.add_roles(role))
    await step("nick", ken.edit(nick="Kenny"))
    await step("hierarchy", forbidden(ken.add_roles(cached.get_role(MODERATOR))))
    scratch = await step("create channel", cached.create_text_channel("scratch"))
    await step("edit channel", scratch.edit(topic="changed"))
    await step("delete channel", scratch.delete())
    grace = cached.get_member(GRACE) or await cached.fetch_member(GRACE)
    await step("kick", cached.kick(grace))
    await step("ban", cached.ban(ken, delete_message_seconds=0))
    print("DONE", flush=True)


async def _typing(channel):
    await channel.typing()  # discord.py 2.x: awaiting typing() sends one indicator


async def _history(channel):
    return [m async for m in channel.history(limit=5)]


client.run(token, log_handler=None)
