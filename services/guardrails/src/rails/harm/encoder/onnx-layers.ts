/**
 * Cuts a BERT-style encoder's ONNX graph after its first `layers` transformer layers, so the harm
 * rail's transformer read costs what those layers cost (a read is compute-bound: ~0.17 ms a token
 * for all six of MiniLM's layers on one core here). The graph keeps only the nodes and initialisers
 * that layer's output needs, and that output takes the name and type of the graph's own output
 * (`last_hidden_state`), so callers read it the same way.
 *
 * ONNX files are protocol buffers (onnx.proto3): this edits the wire format directly, field numbers
 * below, rather than pulling in a full ONNX toolkit for one cut. It follows nodes' explicit inputs
 * only, which is all a BERT export like the pinned one has: no If/Loop subgraphs, and no initialisers
 * also listed as graph inputs (older exports did that; a cut would leave them as required inputs).
 */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const TENSOR_NAME = 8;
const VALUE_INFO_NAME = 1;
const WIRE_VARINT = 0;
const WIRE_64 = 1;
const WIRE_BYTES = 2;
const WIRE_32 = 5;

interface Field {
  number: number;
  /** The whole field as it appears in the file: key, length and payload. */
  bytes: Uint8Array;
  /** Length-delimited fields only: the payload. */
  payload?: Uint8Array;
}

/**
 * The node that ends layer `index` (0-based) in graphs exported from Hugging Face's BERT: the last step
 * of the layer's output LayerNorm (the last layer's writes `last_hidden_state`).
 */
export const layerEndNode = (index: number) => `/encoder/layer.${index}/output/LayerNorm/Add_1`;

export function truncateEncoderLayers(onnx: Uint8Array, layers: number): Uint8Array {
  if (!Number.isInteger(layers) || layers < 1)
    throw new Error(`layers must be a whole number ≥ 1, not ${layers}`);
  const model = readFields(onnx);
  const graphField = model.find((field) => field.number === MODEL_GRAPH);
  if (!graphField?.payload) throw new Error('not an ONNX model: it has no graph');
  const graph = readFields(graphField.payload);
  const end = layerEndNode(layers - 1);

  // Each node's fields (read once), its inputs, and which node produces each tensor.
  const partsOf = new Map<Field, Field[]>();
  const inputsOf = new Map<Field, string[]>();
  const producer = new Map<string, Field>();
  let target: string | undefined;
  for (const field of graph.filter((candidate) => candidate.number === GRAPH_NODE)) {
    const parts = readFields(field.payload!);
    partsOf.set(field, parts);
    const outputs = parts.filter((part) => part.number === NODE_OUTPUT).map((part) => text(part.payload!));
    inputsOf.set(
      field,
      parts.filter((part) => part.number === NODE_INPUT).map((part) => text(part.payload!)),
    );
    for (const output of outputs) producer.set(output, field);
    const name = parts.find((part) => part.number === NODE_NAME);
    if (name && text(name.payload!) === end) target = outputs[0];
  }
  if (target === undefined)
    throw new Error(`the model has no node named ${end}: fewer than ${layers} layers, or not a BERT export`);
  // Walk back from the target: the nodes and tensors (initialisers included) it depends on.
  const neededNodes = new Set<Field>();
  const neededNames = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (name === '' || neededNames.has(name)) continue;
    neededNames.add(name);
    const node = producer.get(name);
    if (!node || neededNodes.has(node)) continue;
    neededNodes.add(node);
    stack.push(...inputsOf.get(node)!);
  }

  const outputs = graph.filter((field) => field.number === GRAPH_OUTPUT);
  if (outputs.length !== 1) throw new Error(`expected one graph output, found ${outputs.length}`);
  const original = readFields(outputs[0]!.payload!);
  const originalName = text(original.find((part) => part.number === VALUE_INFO_NAME)!.payload!);
  // The cut output takes the original output's name (and so its [batch, sequence, hidden] type): the
  // node that produces it writes that name. Nothing kept reads it (it is the last step).
  const rename = (name: string) => (name === target ? originalName : name);

  const kept: Uint8Array[] = [];
  for (const field of graph) {
    if (field.number === GRAPH_NODE) {
      if (!neededNodes.has(field)) continue;
      kept.push(
        lengthDelimited(
          GRAPH_NODE,
          concat(
            partsOf
              .get(field)!
              .map((part) =>
                part.number === NODE_INPUT || part.number === NODE_OUTPUT
                  ? lengthDelimited(part.number, encode(rename(text(part.payload!))))
                  : part.bytes,
              ),
          ),
        ),
      );
    } else if (field.number === GRAPH_INITIALIZER) {
      const name = readFields(field.payload!).find((part) => part.number === TENSOR_NAME);
      if (name && neededNames.has(text(name.payload!))) kept.push(field.bytes);
    } else if (field.number === GRAPH_VALUE_INFO) {
      // Shapes of intermediate tensors: only those still in the graph (the output has its own).
      const name = text(readFields(field.payload!).find((part) => part.number === VALUE_INFO_NAME)!.payload!);
      if (neededNames.has(name) && name !== target) kept.push(field.bytes);
    } else kept.push(field.bytes);
  }
  return concat(
    model.map((field) =>
      field.number === MODEL_GRAPH ? lengthDelimited(MODEL_GRAPH, concat(kept)) : field.bytes,
    ),
  );
}

function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new Error('not an ONNX model: truncated protocol buffer');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const start = at;
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key % 8;
    let payload: Uint8Array | undefined;
    if (wire === WIRE_VARINT) varint();
    else if (wire === WIRE_64) at += 8;
    else if (wire === WIRE_32) at += 4;
    else if (wire === WIRE_BYTES) {
      const length = varint();
      payload = bytes.subarray(at, at + length);
      at += length;
    } else throw new Error(`not an ONNX model: wire type ${wire}`);
    if (at > bytes.length) throw new Error('not an ONNX model: truncated protocol buffer');
    fields.push({ number, bytes: bytes.subarray(start, at), ...(payload ? { payload } : {}) });
  }
  return fields;
}

function lengthDelimited(number: number, payload: Uint8Array): Uint8Array {
  return concat([varintBytes(number * 8 + WIRE_BYTES), varintBytes(payload.length), payload]);
}

function varintBytes(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

const text = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
const encode = (value: string) => new Uint8Array(Buffer.from(value, 'utf8'));
const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
