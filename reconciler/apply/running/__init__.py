"""Running an apply: the executor, what each change's outcome was, and the request payloads.

``executor`` sends a plan's changes stage by stage; ``outcome`` holds what happened (outcomes,
progress events, the result); ``payloads`` builds the requests from the typed change payloads.
"""
