#!/usr/bin/python3
"""An OS drag source for the desktop E2E test: a small GTK window at X,Y whose button drags one
file (text/uri-list over XDND), as a file manager does. Run with Debian's python3 (python3-gi):

    /usr/bin/python3 .ci/drag_source.py FILE X Y

Prints `ready` once the window is mapped and `dropped` when a drag ends.
"""

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

path, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
uri = GLib.filename_to_uri(path, None)

window = Gtk.Window(title="liao-drag-source")
window.set_default_size(120, 120)
window.move(x, y)
button = Gtk.Button(label="drag me")
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
button.drag_source_add_uri_targets()
button.connect("drag-data-get", lambda _w, _ctx, data, _info, _time: data.set_uris([uri]))
button.connect("drag-end", lambda *_: print("dropped", flush=True))
window.add(button)
window.connect("map-event", lambda *_: print("ready", flush=True))
window.connect("destroy", Gtk.main_quit)
window.show_all()
Gtk.main()
