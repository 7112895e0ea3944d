using Integrations.TokenBroker.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapAuthorizationApi();
app.MapConnectionsApi();
app.MapClientSecretsApi();

app.Run();
