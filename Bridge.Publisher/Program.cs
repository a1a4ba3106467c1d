using Bridge.Publisher;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPublisher();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPublisherApi();

app.Run();
