namespace Microsoft.Extensions.Hosting;

/// <summary>The name of the key a request was authenticated with (see <see cref="ApiKeyAuthentication.RequireApiKeys{TBuilder}"/>).</summary>
public sealed record ApiKeyOwner(string Name);
