"""The colour scheme of an Office theme part (Word's and Excel's alike): theme colour names
(``accent1``, ``dk1``, …) to ``RRGGBB``. A theme that cannot be read only costs theme colours."""

from __future__ import annotations

A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def theme_colours(xml: bytes | str | None) -> dict[str, str]:
    if not xml:
        return {}
    try:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml, parser)
    except Exception:  # noqa: BLE001 - a theme we cannot read only costs theme colours
        return {}
    scheme = root.find(f".//{{{A}}}clrScheme")
    if scheme is None:
        return {}
    colours: dict[str, str] = {}
    for entry in scheme:
        name = entry.tag.split("}")[1]
        srgb = entry.find(f"{{{A}}}srgbClr")
        sys_clr = entry.find(f"{{{A}}}sysClr")
        value = srgb.get("val") if srgb is not None else (sys_clr.get("lastClr") if sys_clr is not None else None)
        if value:
            colours[name] = value.upper()
    return colours
