"""Running the app for a lecture hall: N replicas behind nginx with sticky sessions.

server     one `streamlit run app.py` on a loopback port, as a child process
nginx      the proxy's config (template: affinity cookie, websocket upgrade) and process
replicas   N servers + nginx on one machine, started and stopped together
command    `python -m attention_viz serve --replicas N`
"""
