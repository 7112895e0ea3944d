using Integrations.Receiver.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapWebhooksApi();
app.MapDeliveriesApi();
app.MapSecretsApi();

app.Run();
