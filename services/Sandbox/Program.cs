using Integrations.Sandbox.Apis;
using Integrations.Sandbox.Faults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseMiddleware<FaultInjectionMiddleware>();
app.MapOpenApi();
app.MapSlackApi();
app.MapEffectsApi();
app.MapFaultsApi();
app.MapOAuthApi();
app.MapStripeApi();
app.MapWebhookSenderApi();
app.MapGitHubApi();
app.MapGoogleDriveApi();

app.Run();
