using System.Security.Cryptography;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>
/// The embedded default model through the CLI must keep giving the same bytes while the model-loading path changes.
/// The first hashes were recorded from the code before model folders were inferred (commit ff577d4) and held through
/// every refactor since; when the model was re-exported at step 16,364 the current code still gave them on a copy of the
/// step-6,430 model, and the hashes below were then recorded from the new export.
/// </summary>
[Collection("console")]
public class EmbeddedModelIdentityTests
{
    private static readonly string[] Expected =
    [
        "Ankle boot/000009.png 57a96e8e20a1870bbb742cb6286b94bac2f5c688505f8ff1a9454894f1cccb9b",
        "Bag/000008.png 2a5ff542ad5ca99442778f943b43508a973d61c9cbc52f11d179acaaca39fb41",
        "Coat/000004.png be85316b9dd208f7e35fe7b8aaad894c5b6ca1781d19679d06aa583d8def3ab8",
        "Dress/000003.png 1e0ee4f7ad74d7f5155aa046731641d865931782be1626483e7e08b183e99534",
        "Pullover/000002.png 5b9e6554fc2fa01efa744932b9f93601367301fa46cc759e80f6429c986e1376",
        "Sandal/000005.png 8a942c4b10816818a83a46227f091a8d6663ef65c1aef1db54fe2eecff0abe78",
        "Shirt/000006.png b5f35fc8297d798cd2cb2b829fdf83c814ed3cb7744d64a72544657a9c5a46eb",
        "Sneaker/000007.png 9eb1d977ee426c24e5ad5a2103843435f5c69f71c21a81f6ba93a3ad7ea9036d",
        "T-shirt_top/000000.png ae7c5566c688e46727e36b1fb3bca50b4597ce90b466638a9fd425d53cb3c73b",
        "Trouser/000001.png 7a7c0fef093e297209c07c69975d5c378b64d7711645937ceacb03a50a7cfade",
    ];

    [Fact]
    public void GenerateWithTheEmbeddedModelGivesTheRecordedPngs()
    {
        string dir = TestData.NewDir("embedded-identity");
        var (rc, err) = TestData.RunCli("generate", "--per-class", "1", "--steps", "3", "--seed", "21",
            "--device", "cpu", "--out", dir);
        Assert.True(rc == 0, err);
        var actual = TestData.Pngs(dir).Select(kv => $"{kv.Key.Replace('\\', '/')} {Convert.ToHexStringLower(SHA256.HashData(kv.Value))}").ToArray();
        Assert.True(Expected.SequenceEqual(actual), "actual:\n" + string.Join("\n", actual.Select(a => $"        \"{a}\",")));
    }
}
