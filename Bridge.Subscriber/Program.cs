using Bridge.Subscriber;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSubscriber();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSubscriberApi();

app.Run();
