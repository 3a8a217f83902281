"""Private-sector integrity perception surveys: campaigns, unlinkable responses, results."""
