REGISTER = {"not": "a function"}
