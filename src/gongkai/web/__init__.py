"""The agency's desk: the register in the browser (FastAPI, pages rendered on the server with Jinja2).

Each page is a view over the same library functions the command line calls (`gongkai.register`), and its data
is also served as JSON under /api/. The web layer holds no rule of its own: records are checked by
`register.store`, deadlines computed by `register.deadline`, reports counted by `register.report`.

Modules: `app` (the factory), `auth` (logging in, sessions, form tokens, who may see what), `queries` (the
agency-scoped reads the pages and the API share), `api` (JSON), `pages` (the officer's pages), `files`
(import, export, blank templates), `reports` (the year's report page), `demo` (a throwaway register to look at).
"""
