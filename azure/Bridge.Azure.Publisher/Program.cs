using Bridge.Publisher;

var builder = WebApplication.CreateBuilder(args);

builder.AddAzureServiceDefaults();
builder.AddPublisher();
builder.EnrichBridgeStore();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPublisherApi();

app.Run();
