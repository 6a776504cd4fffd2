"""Hybrid Palette: paint with a chosen set of filters, across layers, each with a weight.

Not one filter (the Filter Gallery), not a whole layer (Deep Dream), but a *palette*: a list of
(layer, channel, weight). One module per job:

- ``data``: the palette as data (``PaletteFilter``), its checks, *Surprise me*, the JSON file (no torch);
- ``typed``: filters as a person types them, read leniently (no torch);
- ``starts``: where a painting starts: a photo, noise, a colour, a gradient (no torch);
- ``objective``: the weighted sum of the filters' mean activations, each divided by how hard it pulls
  on the start's pixels (``term_scales``), so the weights alone decide the mix, not the layer;
- ``canvas``: the pixels of a colour or gradient start, the Fourier canvas painted on;
- ``settings``: how to paint (an ``OctaveSchedule`` on a photo, a ``CanvasSchedule`` otherwise);
- ``journey``: one palette, a journey through several, variations on several seeds;
- ``gif``: a journey's frames as a GIF.

This file imports nothing, so the torch-free modules stay torch-free when imported.
"""
