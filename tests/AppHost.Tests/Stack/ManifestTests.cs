using System.Diagnostics;
using System.Reflection;

namespace Integrations.AppHost.Tests;

/// <summary>Deployers generate the Aspire manifest: it must describe Redis and PostgreSQL as containers and every service as a project.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task ManifestDescribesContainersForInfrastructureAndProjectsForAllServices()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("integrations-manifest-").FullName, "aspire-manifest.json");
        var configuration = typeof(ManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "run", "--project", Projects.AppHost.ProjectPath, "--no-build", "-c", configuration, "--", "--publisher", "manifest", "--output-path", output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"Manifest generation failed ({process.ExitCode}): {await stdout}{await stderr}");

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var resources = manifest.RootElement.GetProperty("resources");

        Assert.Equal("container.v0", resources.GetProperty("cache").GetProperty("type").GetString());
        Assert.Equal("container.v0", resources.GetProperty("pg").GetProperty("type").GetString());
        // A deployed Redis keeps its keys across restarts: an AOF on a volume, as PostgreSQL keeps its data.
        var redisCommand = resources.GetProperty("cache").GetProperty("args").EnumerateArray().Last().GetString();
        Assert.Contains("--appendonly yes", redisCommand, StringComparison.Ordinal);
        Assert.NotEmpty(resources.GetProperty("cache").GetProperty("volumes").EnumerateArray());
        Assert.NotEmpty(resources.GetProperty("pg").GetProperty("volumes").EnumerateArray());
        Assert.Contains("auditdb", resources.EnumerateObject().Select(r => r.Name));
        foreach (var service in StackFixture.Services)
        {
            Assert.Equal("project.v0", resources.GetProperty(service).GetProperty("type").GetString());
        }

        // Secrets reach the manifest as secret parameters, never as values; the deployer supplies the audit chain key,
        // the key ring's key-encryption certificate and each service role's database password.
        foreach (var name in new[] { "github-webhook-secret", "audit-chain-key", "data-protection-kek", "pg-integrations-worker-password", "pg-audit-service-password" })
        {
            var parameter = resources.GetProperty(name);
            Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
            Assert.True(parameter.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        }

        // A deployed service logs in as its own role, with its own password; only the migrator gets the superuser's.
        var workerDatabase = resources.GetProperty("worker").GetProperty("env").GetProperty("ConnectionStrings__integrationsdb").GetString();
        Assert.Contains("Username=integrations_worker;Password={pg-integrations-worker-password.value}", workerDatabase, StringComparison.Ordinal);
        Assert.Contains("{pg.bindings.tcp.host}", workerDatabase, StringComparison.Ordinal);
        Assert.DoesNotContain("pg-password", workerDatabase, StringComparison.Ordinal);
    }
}
