namespace Integrations.AppHost.Tests;

/// <summary>
/// Issue 18, item 6: the Data Protection key ring sits in the same database as the secrets it protects, so
/// every key in it must be encrypted to the key-encryption certificate, which the database does not hold.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class KeyRingEncryptionTests(StackFixture stack)
{
    [Fact]
    public async Task EveryStoredKeyIsEncryptedAndNoneHoldsItsMasterKeyInTheClear()
    {
        // The stack's database is new, so every key in it was written by this stack; a protected secret proves the ring is in use.
        using var receiver = stack.App.CreateHttpClient("receiver");
        receiver.DefaultRequestHeaders.Add("X-Api-Key", StackFixture.ReceiverAdminKey);
        using var added = await receiver.PostAsJsonAsync("/admin/sources/github/secrets", new { secret = $"kek-{Guid.NewGuid():N}", actor = "kek-test" })
            .WaitAsync(StackFixture.StepTimeout);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        await using var connection = await stack.OpenDatabaseAsync("integrationsdb");
        await using var command = new NpgsqlCommand("SELECT xml FROM data_protection_keys", connection);
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(keys);
        Assert.All(keys, key =>
        {
            Assert.Contains("<encryptedSecret", key, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", key, StringComparison.Ordinal);
        });
    }
}
