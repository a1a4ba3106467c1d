using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Endpoints;

/// <summary>Maps <see cref="WebhookEndpoint"/> to <c>webhook_endpoints</c> (migrations 0002, 0003).</summary>
internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        builder.ToTable("webhook_endpoints");
        builder.HasKey(w => new { w.Topic, w.Subscription });
        builder.Property(w => w.Topic).HasMaxLength(63);
        builder.Property(w => w.Subscription).HasMaxLength(63);
        builder.Property(w => w.Url).HasMaxLength(2048).IsRequired();
        builder.Property(w => w.PausedBy).HasMaxLength(128);
        builder.Property(w => w.PauseReason).HasMaxLength(512);
        builder.Property(w => w.PauseMode).HasMaxLength(16);
        builder.Property(w => w.Version).IsConcurrencyToken();
    }
}
