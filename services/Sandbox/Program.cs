using Integrations.Sandbox.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapSlackApi();
app.MapEffectsApi();
app.MapOAuthApi();

app.Run();
