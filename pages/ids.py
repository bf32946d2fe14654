"""Component ids of the dashboard, in one place so callbacks, tests and CSS agree."""

URL = "url"
STATE = "view-state"
NOTICE = "notice"
BREADCRUMB = "breadcrumb"
SUMMARY = "summary"
DESCRIPTION = "selection-description"
SHARE_LINK = "share-link"
COPY_LINK = "copy-link"

PERIOD = "period"
KINDS = "kinds"
TAGS = "tags"
CAMPAIGN = "campaign"
METRIC = "metric"
CLASSING = "classing"
OCCUPIED = "occupied"

MAP = "map"
#: The map's legend as HTML, filled by ``assets/maplegend.js`` where the map is narrow.
MAP_LEGEND = "map-legend"
#: What the browser's map shows: the data version and view it was drawn for (see views.map_shown).
MAP_SHOWN = "map-shown"
TIMELINE = "timeline"
#: What the browser's timeline shows: its content key and period (see views.render_timeline).
TIMELINE_SHOWN = "timeline-shown"
EMPTY = "empty-state"
CONTROLS_DRAWER = "controls-drawer"
#: The map's text alternative: a hidden one-sentence summary, and its values as a table.
MAP_SUMMARY = "map-summary"
MAP_TABLE_TOGGLE = "map-table-toggle"
MAP_TABLE_SORT = "map-table-sort"
MAP_TABLE = "map-table"

REGION_PANEL = "region-panel"
INCIDENT_HEADING = "incident-heading"
GRID = "incidents"
#: The incident table as cards, shown instead of the grid on phone-sized screens.
CARDS = "incident-cards"
#: The layout the screen shows ("phone" or "wide", set in the browser; see ``SCREENS``).
SCREEN = "screen"
DETAIL = "incident-detail"

PAGE_URL = "page-url"
PAGE = "page-content"
COMPARE_LINK = "compare-link"
#: The links to the same view in the other languages (redrawn as the view changes).
LANG_SWITCH = "lang-switch"
COMPARE_WITH = "compare-with"
NEWER = "newer-data"
EXPORT_MENU = "export-menu"
EXPORT_TIMELINE = "export-timeline"
DOWNLOAD_MENU = "download-menu"
EMBED_DIALOG = "embed-dialog"
EMBED_SNIPPET = "embed-snippet"
COPY_EMBED = "copy-embed"
EXPORT_LINKS = "export-links"
DOWNLOAD_LINKS = "download-links"
EMBED_INFO = "embed-info"
