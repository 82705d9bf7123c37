def generate(ctx):
    pass
