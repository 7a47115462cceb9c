// The OpenAPI 3 description of the routes in server.cc. Kept by hand so that it is a document
// for people; server_test checks that it names exactly the routes the server registers.

#include <nlohmann/json.hpp>

#include "service/server.h"

namespace prova::service {
namespace {

constexpr const char* kDocument = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "Prova proving service",
    "version": "1",
    "description": "Bonsai-style REST API: upload a guest ELF and an input, create a session, poll its status, fetch the receipt. Errors are {\"error\": message, \"code\": code}."
  },
  "components": {
    "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}},
    "schemas": {
      "Error": {"type": "object", "required": ["error", "code"],
                "properties": {"error": {"type": "string"}, "code": {"type": "string"}}},
      "SessionStatus": {"type": "object", "properties": {
        "status": {"type": "string", "enum": ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]},
        "state": {"type": "string", "description": "phase: queued, executing, proving phases, proved, claimed, ..."},
        "progress": {"type": "number"},
        "error_msg": {"type": "string", "nullable": true},
        "receipt_url": {"type": "string", "nullable": true},
        "elapsed_time": {"type": "number"},
        "stats": {"type": "object", "properties": {"cycles": {"type": "integer"}, "total_cycles": {"type": "integer"}, "segments": {"type": "integer"}, "prove_seconds": {"type": "number"}}},
        "exit_code": {"type": "integer"},
        "journal": {"type": "string", "description": "hex"},
        "claim": {"type": "string", "description": "optimistic: the signed execution claim (JSON text)"},
        "signature": {"type": "string", "description": "Ed25519 signature of claim, hex"},
        "input_salt": {"type": "string", "description": "optimistic: the salt of the claim's input_digest, SHA-256(salt || input); hex, shown only to the owner"},
        "challenge_deadline_ms": {"type": "integer"},
        "challenged": {"type": "boolean"},
        "dispute": {"type": "string", "description": "claim_upheld, claim_refuted, or 'unresolved: <why>' when the challenge proof did not finish"}}},
      "CreateSession": {"type": "object", "required": ["img", "input"], "properties": {
        "img": {"type": "string", "description": "image ID, 64 hex digits"},
        "input": {"type": "string", "description": "input UUID"},
        "execute_only": {"type": "boolean"},
        "optimistic": {"type": "boolean"},
        "exec_cycle_limit": {"type": "integer"},
        "timeout_seconds": {"type": "number"},
        "challenge_window_seconds": {"type": "number"},
        "assumptions": {"type": "array", "items": {"type": "string"}, "maxItems": 0}}}
    },
    "responses": {
      "Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "parameters": {
      "SessionId": {"name": "session_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}
    }
  },
  "security": [{"ApiKey": []}],
  "paths": {
    "/images/upload/{image_id}": {
      "parameters": [{"name": "image_id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "get": {"summary": "Upload URL for a guest ELF; 204 if the image is stored already",
              "responses": {"200": {"description": "{url}"}, "204": {"description": "exists"}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Upload the ELF; the server computes its image ID and rejects a mismatch",
              "requestBody": {"content": {"application/octet-stream": {}}},
              "responses": {"200": {"description": "stored"}, "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}
    },
    "/inputs/upload": {
      "get": {"summary": "Reserve an input and get its upload URL",
              "responses": {"200": {"description": "{uuid, url}"}, "401": {"$ref": "#/components/responses/Error"}}}
    },
    "/inputs/upload/{input_id}": {
      "parameters": [{"name": "input_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
      "put": {"summary": "Upload the input bytes",
              "requestBody": {"content": {"application/octet-stream": {}}},
              "responses": {"200": {"description": "stored"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}
    },
    "/sessions/create": {
      "post": {"summary": "Create a proving (or execute-only, or optimistic) session",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateSession"}}}},
               "responses": {"200": {"description": "{uuid}"}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}}
    },
    "/sessions/status/{session_id}": {
      "parameters": [{"$ref": "#/components/parameters/SessionId"}],
      "get": {"summary": "Session status, phase, progress and stats",
              "responses": {"200": {"description": "status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionStatus"}}}}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/sessions/stop/{session_id}": {
      "parameters": [{"$ref": "#/components/parameters/SessionId"}],
      "get": {"summary": "Stop a queued or running session (it ends ABORTED)",
              "responses": {"200": {"description": "stop requested"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/sessions/challenge/{session_id}": {
      "parameters": [{"$ref": "#/components/parameters/SessionId"}],
      "post": {"summary": "Challenge an optimistic claim before its deadline: the service proves it",
               "responses": {"200": {"description": "challenged"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/sessions/logs/{session_id}": {
      "parameters": [{"$ref": "#/components/parameters/SessionId"}],
      "get": {"summary": "Session log (text, one event per line, guest output included)",
              "responses": {"200": {"description": "log", "content": {"text/plain": {}}}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/sessions/exec_only_journal/{session_id}": {
      "parameters": [{"$ref": "#/components/parameters/SessionId"}],
      "get": {"summary": "The journal of an executed session (raw bytes)",
              "responses": {"200": {"description": "journal", "content": {"application/octet-stream": {}}}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/receipts/{session_id}": {
      "parameters": [{"$ref": "#/components/parameters/SessionId"}],
      "get": {"summary": "The receipt (the bytes `prova verify` reads)",
              "responses": {"200": {"description": "receipt", "content": {"application/octet-stream": {}}}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/user/quotas": {
      "get": {"summary": "The calling key's quotas and usage", "responses": {"200": {"description": "quotas"}, "401": {"$ref": "#/components/responses/Error"}}}
    },
    "/version": {
      "get": {"summary": "Server version", "security": [], "responses": {"200": {"description": "{prova: [version], api}"}}}
    },
    "/public-key": {
      "get": {"summary": "The Ed25519 public key that signs optimistic claims", "security": [],
              "responses": {"200": {"description": "{algorithm, public_key}"}}}
    },
    "/metrics": {
      "get": {"summary": "Prometheus metrics", "security": [], "responses": {"200": {"description": "text exposition format"}}}
    },
    "/openapi.json": {
      "get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3"}}}
    }
  }
})json";

}  // namespace

const nlohmann::json& OpenApiDocument() {
  static const nlohmann::json document = nlohmann::json::parse(kDocument);
  return document;
}

}  // namespace prova::service
