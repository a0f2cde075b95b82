namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// Latent text-to-image pipelines that are wrong or misused, on tests/fixtures/sd-tiny (its make_fixtures.py makes the
/// broken folders): each refused with one line naming the part, option or value.
/// </summary>
internal static class BadLatentPipelineCases
{
    private static string SdTiny(params string[] parts) => Path.Combine([TestData.Root, "tests", "fixtures", "sd-tiny", .. parts]);

    private static string[] Generate(CaseFolder f, string model, params string[] extra) =>
        ["generate", "--model", model, "--per-class", "1", "--steps", "2", "--device", "cpu", "--out", f.Out, .. extra];

    private static string[] Reconstruct(string model, CaseFolder f) =>
        ["reconstruct", "--model", model, "--data", SdTiny("data-rgb64"), "--per-class", "1", "--steps", "2", "--device", "cpu", "--out", f.Out];

    public static IEnumerable<BadInputCase> All()
    {
        yield return new("sd-no-vae-encoder-reconstruct", "has no vae_encoder/model.onnx", f => Reconstruct(SdTiny("no-vae-encoder"), f));
        yield return new("sd-no-vae-encoder-reproduce", "has no vae_encoder/model.onnx",
            f => ["reproduce", "--profile", "quick", "--model", SdTiny("no-vae-encoder"), "--data", SdTiny("data-rgb64"), "--device", "cpu", "--out", f.Out]);
        yield return new("sd-tokenizer-without-merges", "tokenizer/merges.txt: not found", f => Generate(f, SdTiny("bad", "no-merges"), "--classes", "a,b"));
        yield return new("sd-text-encoder-hidden-size", "the text encoder's hidden size is 16 but the U-Net's 'encoder_hidden_states' takes 32",
            f => Generate(f, SdTiny("bad", "hidden-mismatch"), "--classes", "a,b"));
        yield return new("sd-tokenizer-bad-merge-line", "line 2 'a b c': expected two symbols", f => Generate(f, Path.Combine(f.Root, "sd"), "--classes", "a,b"),
            f =>
            {
                CopyTree(SdTiny("pipeline"), Path.Combine(f.Root, "sd"));
                File.WriteAllText(Path.Combine(f.Root, "sd", "tokenizer", "merges.txt"), "#version: 0.2\na b c\n");
            });
        yield return new("sd-generate-without-classes", "name the classes to prompt for with --classes", f => Generate(f, SdTiny("pipeline")));
        yield return new("sd-classes-malformed", "--classes 'a,,b'", f => Generate(f, SdTiny("pipeline"), "--classes", "a,,b"));
        yield return new("sd-prompt-without-class", "expected a template with {class}", f => Generate(f, SdTiny("pipeline"), "--classes", "a", "--prompt", "a photo"));
        yield return new("sd-prompt-on-a-class-model", "--prompt 'a {class}': ", f => Generate(f, f.Model, "--prompt", "a {class}"));
        yield return new("sd-classes-on-a-class-model", "--classes: ", f => Generate(f, f.Model, "--classes", "a,b"));
    }

    private static void CopyTree(string src, string dst)
    {
        foreach (var dir in Directory.GetDirectories(src, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(dst, Path.GetRelativePath(src, dir)));
        foreach (var file in Directory.GetFiles(src, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(dst, Path.GetRelativePath(src, file)));
    }
}
