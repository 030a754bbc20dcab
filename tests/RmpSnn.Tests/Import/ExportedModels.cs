using System.Text.Json;
using RmpSnn.Tests.Data;

namespace RmpSnn.Tests.Import;

/// <summary>
/// Networks exported by one of the experiments/ scripts (Debian's python3-torch) into a temporary folder once per test
/// class, with the input batch and each network's logits from the script's logits.json.
/// </summary>
public abstract class ExportedModels : IDisposable
{
    readonly TempFolder _folder = new();

    /// <summary>Runs experiments/<paramref name="script"/> into the folder and reads its logits.json.</summary>
    protected ExportedModels(string script)
    {
        PythonTorch.RunScript(ImportTestFiles.Experiment(script), _folder.Path);
        using var json = JsonDocument.Parse(System.IO.File.ReadAllText(File("logits.json")));
        InputShape = json.RootElement.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Input = PythonTorch.Floats(json.RootElement.GetProperty("input"));
        Logits = json.RootElement.GetProperty("logits").EnumerateObject().ToDictionary(p => p.Name, p => PythonTorch.Floats(p.Value));
    }

    /// <summary>A file in the folder the models were written to.</summary>
    public string File(string name) => _folder.File(name);

    public long[] InputShape { get; }
    public float[] Input { get; }
    public IReadOnlyDictionary<string, float[]> Logits { get; }

    public void Dispose()
    {
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The CNNs of experiments/make_onnx_models.py.</summary>
public sealed class OnnxModels() : ExportedModels("make_onnx_models.py");

/// <summary>torchvision's ResNet-34 and a narrow torchvision VGG-16 at 224², from experiments/make_torchvision_224.py.</summary>
public sealed class Torchvision224Models() : ExportedModels("make_torchvision_224.py");
