"""In-app notifications for signed-in users (a bell and a list), with an e-mail copy: the base layer any feature may notify through."""
