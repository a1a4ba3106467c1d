using Bridge.Hosting.Security;
using Bridge.Publisher;
using Bridge.Publisher.Contracts;
using Bridge.Publisher.Xml;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPublisher();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPublishApi();
app.MapTopicsApi();
app.MapPublishersApi();
app.MapContractsApi();
app.MapTransformsApi();

app.Run();
