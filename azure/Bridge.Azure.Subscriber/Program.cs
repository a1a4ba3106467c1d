using Bridge.Subscriber;

var builder = WebApplication.CreateBuilder(args);

builder.AddAzureServiceDefaults();
builder.AddSubscriber();
builder.EnrichBridgeStore();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSubscriberApi();

app.Run();
