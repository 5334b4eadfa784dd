"""A raw gateway client that reads zstd-stream the way discord.py 2.7 does.

Usage: python3 zstd_client.py GATEWAY_URL TOKEN
It connects with compress=zstd-stream, keeps one zstandard decompression
object for the whole connection and decodes each binary websocket message
on its own (discord.py's _ZstdDecompressionContext), identifies, and prints
the op and t of every payload until GUILD_CREATE.
"""
import asyncio
import json
import sys

import aiohttp
import zstandard


async def main(url, token):
    decompress = zstandard.ZstdDecompressor().decompressobj()
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url + "?v=10&encoding=json&compress=zstd-stream") as ws:
            async for msg in ws:
                if msg.type is not aiohttp.WSMsgType.BINARY:
                    print("NOT BINARY", msg.type, flush=True)
                    return
                payload = json.loads(decompress.decompress(msg.data).decode("utf-8"))
                print("OP", payload["op"], payload["t"], flush=True)
                if payload["op"] == 10:
                    await ws.send_str(json.dumps({"op": 2, "d": {
                        "token": token, "intents": 1,
                        "properties": {"os": "linux", "browser": "zstd test", "device": "zstd test"}}}))
                if payload["t"] == "GUILD_CREATE":
                    return


asyncio.run(main(sys.argv[1], sys.argv[2]))
